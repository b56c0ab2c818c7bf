import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";

/**
 * A PostgreSQL database for one test file, removed afterwards. With TEST_DATABASE_URL, a fresh
 * database on that server (created under a random name, dropped on stop). Otherwise a throwaway
 * cluster: Debian's initdb into a temporary directory, a server on a free loopback port with its
 * Unix socket in that directory, stopped and deleted on stop. As root the cluster belongs to the
 * postgres system user (PostgreSQL refuses to run as root); otherwise to whoever runs the tests.
 */
export type ThrowawayPostgres = { url: string; stop(): Promise<void> };

/**
 * durable: PostgreSQL's own defaults (fsync, synchronous_commit and full_page_writes on), so a
 * commit is on disk when it returns, as in production; for the bench. Otherwise nothing is flushed.
 */
export type ClusterOptions = { durable?: boolean };

export const NOT_INSTALLED = "PostgreSQL is not installed: apt-get install -y postgresql (or set TEST_DATABASE_URL)";

/** PostgreSQL cannot be had here; the message is one line saying how to get it. */
export class PostgresUnavailable extends Error {}
const MIN_VERSION = 15;

/** Bounds on every wait, so a stuck server fails the test instead of hanging it. */
const COMMAND_TIMEOUT_MS = 60_000;
const START_TIMEOUT_SECONDS = 30;
const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 30_000;

export type PostgresBinaries = { initdb: string; pgCtl: string; version: number };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function versionOf(initdb: string): number {
  // "initdb (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
  const output = execFileSync(initdb, ["--version"], { encoding: "utf8", timeout: COMMAND_TIMEOUT_MS });
  return Number(/\(PostgreSQL\)\s+(\d+)/.exec(output)?.[1] ?? 0);
}

/** Where to look for PostgreSQL's programs (tests point it at an empty place). */
export type SearchPlaces = { debian: string; path: string };
const systemPlaces = (): SearchPlaces => ({ debian: "/usr/lib/postgresql", path: process.env.PATH ?? "" });

/** initdb and pg_ctl: Debian's newest /usr/lib/postgresql/<version>/bin, else the first PATH directory holding both. */
export function findPostgresBinaries({ debian, path }: SearchPlaces = systemPlaces()): PostgresBinaries | undefined {
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const directories = [...versions.map((version) => join(debian, version, "bin")), ...path.split(":").filter(Boolean)];
  for (const directory of directories) {
    const initdb = join(directory, "initdb");
    const pgCtl = join(directory, "pg_ctl");
    if (executable(initdb) && executable(pgCtl)) return { initdb, pgCtl, version: versionOf(initdb) };
  }
  return undefined;
}

/** The command line that runs a command as user (runuser from util-linux, else su), or as ourselves. */
function asUser(command: string, args: string[], user: string | undefined): [string, string[]] {
  if (!user) return [command, args];
  if (existsSync("/usr/sbin/runuser") || existsSync("/sbin/runuser")) return ["runuser", ["-u", user, "--", command, ...args]];
  const quoted = [command, ...args].map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
  return ["su", [user, "-s", "/bin/sh", "-c", quoted]];
}

function run(command: string, args: string[], options: { user: string | undefined; cwd: string }): Promise<string> {
  const [file, argv] = asUser(command, args, options.user);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { cwd: options.cwd, timeout: COMMAND_TIMEOUT_MS, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command.split("/").pop()} failed: ${(stderr || stdout || error.message).trim()}`));
      else resolve(stdout);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function query(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The system user that owns a root-run cluster, as uid and gid. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined)
    throw new PostgresUnavailable("PostgreSQL's system user postgres is missing: apt-get install -y postgresql (or set TEST_DATABASE_URL)");
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * The postgres user must reach the cluster's directory. Vitest's TMPDIR (tests/support/global-setup.ts)
 * is mode 0700, so it gets search permission for others (enter, not list); the directories inside
 * it stay 0700 each, and global-setup removes it at the end of the run. Directories above it are
 * left alone: they must already be open.
 */
function letPostgresReach(directory: string): void {
  for (let current = dirname(directory); ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) throw new Error(`${current} is closed to the postgres user: set TMPDIR elsewhere, or set TEST_DATABASE_URL`);
    if (current === dirname(current)) break;
  }
  const { mode, uid } = statSync(directory);
  if ((mode & 0o001) !== 0) return;
  if (uid !== process.getuid?.()) throw new Error(`${directory} is closed to the postgres user: set TMPDIR elsewhere, or set TEST_DATABASE_URL`);
  chmodSync(directory, (mode & 0o7777) | 0o001);
}

/** Clusters still running, stopped at exit even when a test file fails before its afterAll. */
const running = new Map<string, () => void>();
process.once("exit", () => {
  for (const discard of running.values()) discard();
});

async function startCluster(binaries: PostgresBinaries, { durable = false }: ClusterOptions): Promise<ThrowawayPostgres> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : undefined;
  const user = asRoot ? "postgres" : undefined;
  const root = mkdtempSync(join(tmpdir(), "patchbay-pg-"));
  const data = join(root, "data");
  const pgCtl = (args: string[]) => run(binaries.pgCtl, ["-D", data, ...args], { user, cwd: root });
  /** Synchronous, for process exit: stops the server at once if it runs, and deletes everything. */
  const discard = () => {
    if (existsSync(join(data, "postmaster.pid"))) {
      try {
        execFileSync(...asUser(binaries.pgCtl, ["-D", data, "-m", "immediate", "-w", "-t", "10", "stop"], user), {
          cwd: root,
          stdio: "ignore",
          timeout: 15_000,
        });
      } catch {
        // Already gone: the directory goes anyway.
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  running.set(root, discard);
  try {
    if (owner) {
      letPostgresReach(tmpdir());
      chownSync(root, owner.uid, owner.gid);
    }
    // --no-sync and fsync=off (with synchronous_commit and full_page_writes off): nothing is flushed
    // to disk, which is fine for a cluster that lives for one test file and is deleted after it, and
    // never for data anyone wants to keep. A durable cluster keeps PostgreSQL's defaults.
    const noSync = durable ? [] : ["--no-sync"];
    const noFlush = durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    await run(binaries.initdb, ["-D", data, "-A", "trust", "-U", "patchbay", ...noSync, "-E", "UTF8", "--no-locale", "--no-instructions"], { user, cwd: root });
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1${noFlush}`;
      try {
        await pgCtl(["-l", join(root, "server.log"), "-o", options, "-w", "-t", String(START_TIMEOUT_SECONDS), "start"]);
        break;
      } catch (error) {
        // Another process may have taken the port between freePort() and the server binding it.
        if (attempt === 3) throw new Error(`${(error as Error).message}\n${readLog(root)}`);
      }
    }
    const server = `postgres://patchbay@127.0.0.1:${port}`;
    await query(`${server}/postgres`, "create database patchbay");
    let stopped: Promise<void> | undefined;
    return {
      url: `${server}/patchbay`,
      stop() {
        stopped ??= pgCtl(["-m", "fast", "-w", "-t", String(START_TIMEOUT_SECONDS), "stop"])
          .then(() => undefined)
          .finally(() => {
            running.delete(root);
            discard();
          });
        return stopped;
      },
    };
  } catch (error) {
    running.delete(root);
    discard();
    throw error;
  }
}

function readLog(root: string): string {
  try {
    return readFileSync(join(root, "server.log"), "utf8").trim().split("\n").slice(-10).join("\n");
  } catch {
    return "";
  }
}

/** A new database with a random name on the server of `serverUrl` (a copy of `template` when given), dropped by stop(). */
export async function freshDatabase(serverUrl: string, template?: string): Promise<ThrowawayPostgres> {
  const name = `patchbay_test_${randomBytes(6).toString("hex")}`;
  await query(serverUrl, `create database "${name}"${template ? ` template "${template}"` : ""}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let stopped: Promise<void> | undefined;
  return {
    url: url.toString(),
    stop() {
      stopped ??= query(serverUrl, `drop database if exists "${name}" with (force)`);
      return stopped;
    },
  };
}

/** The programs a throwaway cluster needs; throws PostgresUnavailable (one line saying how to get them) when they are missing or too old. */
function usableBinaries(places: SearchPlaces): PostgresBinaries {
  const binaries = findPostgresBinaries(places);
  if (!binaries) throw new PostgresUnavailable(NOT_INSTALLED);
  if (binaries.version < MIN_VERSION)
    throw new PostgresUnavailable(
      `PostgreSQL ${MIN_VERSION} or newer is needed, ${binaries.initdb} is ${binaries.version}: apt-get install -y postgresql (or set TEST_DATABASE_URL)`,
    );
  return binaries;
}

/** Throws PostgresUnavailable unless startThrowawayPostgres can work: for scripts that check before a long run. */
export function checkPostgresAvailable(places: SearchPlaces = systemPlaces()): void {
  if (!process.env.TEST_DATABASE_URL?.trim()) usableBinaries(places);
}

/** See ThrowawayPostgres. Throws one line saying how to get PostgreSQL when it is not installed. */
export async function startThrowawayPostgres(places: SearchPlaces = systemPlaces(), options: ClusterOptions = {}): Promise<ThrowawayPostgres> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given) return freshDatabase(given);
  return startCluster(usableBinaries(places), options);
}
