/**
 * PostgreSQL for the bench: a throwaway cluster with PostgreSQL's durable defaults (fsync and
 * synchronous_commit on: a commit is on disk when it returns, as Patchbay's 2xx promises), or a
 * fresh database on the server of BENCH_DATABASE_URL. Either way the databases made here are
 * dropped (or the cluster deleted) by stop().
 */
import pg from "pg";
import { migratePostgres, openPostgres } from "../db/postgres";
import { freshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from "../tests/support/postgres";

export type BenchPostgres = {
  /** The first database (Patchbay's). */
  url: string;
  /** Another database on the same server (e.g. the floor's), dropped by stop(). */
  another(): Promise<string>;
  stop(): Promise<void>;
};

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  const main: ThrowawayPostgres = given ? await freshDatabase(given) : await startThrowawayPostgres(undefined, { durable: true });
  const others: ThrowawayPostgres[] = [];
  return {
    url: main.url,
    async another() {
      const database = await freshDatabase(given ?? main.url);
      others.push(database);
      return database.url;
    },
    async stop() {
      for (const database of others) await database.stop().catch(() => undefined);
      await main.stop();
    },
  };
}

/** Applies Patchbay's PostgreSQL migrations (db/migrations-pg) the way a Patchbay process does at start. */
export async function migrateBenchDatabase(url: string): Promise<void> {
  const database = openPostgres(url, 1);
  try {
    await migratePostgres(database);
  } finally {
    await database.$client.end();
  }
}

const REPORTED = [
  "server_version",
  "fsync",
  "synchronous_commit",
  "full_page_writes",
  "wal_sync_method",
  "commit_delay",
  "shared_buffers",
  "work_mem",
  "max_connections",
];

/** The server's version and the settings the figures depend on. */
export async function postgresSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>("select name, current_setting(name) as setting from unnest($1::text[]) as name", [
      REPORTED,
    ]);
    return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  } finally {
    await client.end();
  }
}

export function describeSettings(settings: Record<string, string>): string {
  return `PostgreSQL ${settings.server_version}: ${REPORTED.slice(1)
    .map((name) => `${name}=${settings[name]}`)
    .join(", ")}`;
}
