/**
 * Shared by the crash test (scripts/crash-test.ts) and the bench (bench/run.ts): start the
 * production server (`server.ts`, as `npm start` runs it) on a free loopback port with its own data directory, sign
 * GitHub push deliveries, seed the owner account the instance-wide webhook URL belongs to.
 * Loopback only; every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { pushPayload } from "../tests/support/push-payload";

export const ROOT = join(import.meta.dirname, "..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds `.next` when it is missing (never while another build or Playwright run is going). */
export async function ensureBuild(): Promise<void> {
  if (existsSync(join(ROOT, ".next", "BUILD_ID"))) return;
  for (let waited = 0; waited < 600_000; waited += 10_000) {
    const busy = spawnSync("pgrep", ["-f", "next build|playwright test"], { encoding: "utf8" }).stdout.trim();
    if (!busy) break;
    console.log("waiting for another next build / playwright run to finish ...");
    await sleep(10_000);
  }
  if (existsSync(join(ROOT, ".next", "BUILD_ID"))) return;
  console.log("no production build (.next): running next build");
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed");
}

/** The node flags `npm start` gives the server (package.json): a 16 MB young generation, not V8's 64 MB on a large machine (server.ts says why). */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=16"];
/** The environment `npm start` gives the server (package.json): 64 KB blocks and larger in their own mappings (server.ts says why). */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: "65536" };

export type AppServer = { url: string; port: number; dataDir: string; dbPath: string; child: ChildProcess; output: () => string; env: NodeJS.ProcessEnv };

export function appEnvironment(dataDir: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    APP_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: `file:${join(dataDir, "patchbay.db")}`,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("hex"),
    NEXT_TELEMETRY_DISABLED: "1",
    ...SERVER_ENV,
    ...extra,
  };
}

/** Starts the production server (`server.ts`, as `npm start`) in its own process group (so SIGKILL reaches every process it spawned) and waits for /api/health. */
export async function startApp(options: { port?: number; dataDir?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "patchbay-proof-"));
  const env = options.env ?? appEnvironment(dataDir, port);
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
      ...SERVER_NODE_FLAGS,
      "--conditions=react-server",
      join(ROOT, "server.ts"),
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`the server did not answer /api/health within the time limit:\n${output}`);
    }
    await sleep(200);
  }
  return { url, port, dataDir, dbPath: join(dataDir, "patchbay.db"), child, output: () => output, env };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

export async function stopApp(app: AppServer): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((resolve) => app.child.once("exit", resolve));
  killGroup(app.child, "SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  killGroup(app.child, "SIGKILL");
}

/** The instance-wide URL /api/webhooks/github needs an owner: create one directly in the database, owner of the default workspace as an account made by the app is. */
export function seedOwner(dbPath: string): string {
  const database = new Database(dbPath);
  database.pragma("busy_timeout = 5000");
  const id = randomUUID();
  database.prepare("insert into user (id, name, email, role) values (?, ?, ?, 'owner')").run(id, "Bench owner", `owner-${id}@example.com`);
  database.prepare("insert into memberships (workspace_id, user_id, role) values ('default', ?, 'owner')").run(id);
  database.close();
  return id;
}

/** Creates a GitHub endpoint signed with `secret` in the app's database (bench/seed-endpoint.ts, the app's own code, the app's environment); its id. */
export function seedEndpoint(app: AppServer, ownerId: string, secret: string): string {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", join(ROOT, "bench", "seed-endpoint.ts"), ownerId, secret],
    { cwd: ROOT, env: app.env, encoding: "utf8" },
  );
  const id = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status !== 0 || !/^we_\w+$/.test(id)) throw new Error(`could not create the bench's endpoint: ${result.stderr || result.stdout}`);
  return id;
}

/** A realistic GitHub push body (about 7 KB: eleven commits), the same payload the tests send. */
export function pushBody(commits = 11): string {
  return pushPayload({ commits });
}

export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function githubHeaders(secret: string, body: string, delivery: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": delivery,
    "x-github-hook-id": "424242",
    "x-hub-signature-256": githubSignature(secret, body),
    "user-agent": "GitHub-Hookshot/bench",
  };
}
