import "server-only";
import { z } from "zod";
import { resolveEmbeddedSecrets } from "./embedded-secrets";

const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

const base64Key = z.string().refine((value) => Buffer.from(value, "base64").length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(value), {
  message: "expected base64 of 32 random bytes (openssl rand -base64 32)",
});

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined));

/** Every variable Patchbay reads, in one place. README's configuration table mirrors this schema. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z
    .url({ message: "expected an absolute http(s) URL such as http://localhost:3000" })
    .default("http://localhost:3000")
    .transform((value) => value.replace(/\/+$/, "")),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:)?[^:]+$/, { message: "expected a SQLite file path such as file:./data/patchbay.db" })
    .optional(),
  AUTH_SECRET: z.string().min(32, { message: "expected at least 32 characters (openssl rand -base64 32)" }).optional(),
  ENCRYPTION_KEY: base64Key.optional(),
  ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((key) => key.trim()).filter(Boolean))
    .pipe(z.array(base64Key)),
  ALLOW_SIGNUP: booleanFlag,
  AUTH_GITHUB_ID: optionalText,
  AUTH_GITHUB_SECRET: optionalText,
  GITHUB_BASE_URL: z
    .url({ message: "expected the GitHub web origin, e.g. https://github.com or https://ghe.example.com" })
    .default("https://github.com")
    .transform((value) => value.replace(/\/+$/, "")),
  GITHUB_API_URL: z
    .url({ message: "expected the GitHub REST API root, e.g. https://api.github.com or https://ghe.example.com/api/v3" })
    .default("https://api.github.com")
    .transform((value) => value.replace(/\/+$/, "")),
  PROVIDERS_FILE: optionalText,
  WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /** Seconds before each retry of a failing delivery (Svix's schedule); its length is the number of retries. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default("5,300,1800,7200,18000,36000,36000")
    .transform((value) => value.split(",").map((part) => Number(part.trim())))
    .pipe(z.array(z.number().nonnegative()).min(1, { message: "expected comma-separated seconds such as 5,300,1800" })),
  /** Refused deliveries kept per endpoint; older refusals are dropped so garbage cannot fill the disk. */
  WEBHOOK_REJECTED_CAP: z.coerce.number().int().min(10).default(1000),
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).default(24),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
});

export type RawEnv = z.infer<typeof envSchema>;

export type Env = Omit<RawEnv, "DATABASE_URL" | "AUTH_SECRET" | "ENCRYPTION_KEY"> & {
  DATABASE_PATH: string;
  AUTH_SECRET: string;
  ENCRYPTION_KEY: string;
  githubSignInEnabled: boolean;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses a set of variables; throws an EnvError whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): RawEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new EnvError(`Invalid environment variable ${name}: ${issue.message}`);
  }
  return result.data;
}

export function databasePath(raw: Pick<RawEnv, "DATABASE_URL" | "DATA_DIR">): string {
  if (raw.DATABASE_URL) return raw.DATABASE_URL.replace(/^file:/, "");
  return `${raw.DATA_DIR.replace(/\/+$/, "")}/patchbay.db`;
}

/** Parses the environment and fills AUTH_SECRET / ENCRYPTION_KEY from data/secrets.json when unset. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const raw = parseEnv(source);
  const secrets = resolveEmbeddedSecrets(raw.DATA_DIR, {
    AUTH_SECRET: raw.AUTH_SECRET,
    ENCRYPTION_KEY: raw.ENCRYPTION_KEY,
  });
  return {
    ...raw,
    DATABASE_PATH: databasePath(raw),
    AUTH_SECRET: secrets.AUTH_SECRET,
    ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
    githubSignInEnabled: Boolean(raw.AUTH_GITHUB_ID && raw.AUTH_GITHUB_SECRET),
  };
}

/**
 * A provider's own variables (client ids and secrets, API keys, base URLs) are named in its
 * declaration (lib/providers), including those a deployment declares in PROVIDERS_FILE; they are
 * read here, trimmed, with an empty value treated as unset.
 */
export function readVariable(name: string, source: Record<string, string | undefined> = process.env): string | undefined {
  const value = z.string().trim().optional().parse(source[name]);
  return value ? value : undefined;
}

let cached: Env | undefined;

/** The process-wide configuration, parsed on first use. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
