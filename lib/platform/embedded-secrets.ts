import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { log } from "./log";

const secretsFileSchema = z.object({
  AUTH_SECRET: z.string().min(32).optional(),
  ENCRYPTION_KEY: z.string().optional(),
});

type EmbeddedSecrets = { AUTH_SECRET: string; ENCRYPTION_KEY: string };
type StoredSecrets = z.infer<typeof secretsFileSchema>;

const generators: Record<keyof EmbeddedSecrets, () => string> = {
  AUTH_SECRET: () => randomBytes(32).toString("base64url"),
  ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
};

function readSecretsFile(path: string): StoredSecrets | undefined {
  try {
    return secretsFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${path} is not a valid secrets file; fix or remove it`, { cause: error });
  }
}

function writeSecretsFile(path: string, secrets: StoredSecrets, isNew: boolean): boolean {
  const contents = JSON.stringify(secrets, null, 2) + "\n";
  if (!isNew) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, contents, { mode: 0o600 });
    renameSync(temporary, path);
    return true;
  }
  try {
    // "wx": when several processes start at once, exactly one creates the file; the others read it.
    writeFileSync(path, contents, { mode: 0o600, flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Local use needs no configuration: a secret missing from the environment is generated once and
 * kept in DATA_DIR/secrets.json (mode 0600). Deployments set both variables instead.
 */
export function resolveEmbeddedSecrets(dataDir: string, fromEnv: Partial<EmbeddedSecrets>): EmbeddedSecrets {
  if (fromEnv.AUTH_SECRET && fromEnv.ENCRYPTION_KEY) {
    return { AUTH_SECRET: fromEnv.AUTH_SECRET, ENCRYPTION_KEY: fromEnv.ENCRYPTION_KEY };
  }
  const path = join(dataDir, "secrets.json");
  const existing = readSecretsFile(path);
  const stored: StoredSecrets = { ...existing };
  const missing = (Object.keys(generators) as (keyof EmbeddedSecrets)[]).filter((name) => !fromEnv[name] && !stored[name]);
  if (missing.length > 0) {
    for (const name of missing) stored[name] = generators[name]();
    mkdirSync(dataDir, { recursive: true });
    if (!writeSecretsFile(path, stored, existing === undefined)) return resolveEmbeddedSecrets(dataDir, fromEnv);
    log.info(`generated ${missing.join(" and ")} and kept it in ${path} (mode 0600); set it in the environment for deployments`);
  }
  return {
    AUTH_SECRET: fromEnv.AUTH_SECRET ?? stored.AUTH_SECRET!,
    ENCRYPTION_KEY: fromEnv.ENCRYPTION_KEY ?? stored.ENCRYPTION_KEY!,
  };
}
