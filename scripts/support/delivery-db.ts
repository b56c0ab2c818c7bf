/**
 * The crash and multi-process tests' view of a Patchbay database from outside the servers: the
 * same few queries on SQLite (better-sqlite3, a short read-only connection per query, so nothing
 * is held open across a kill) or PostgreSQL (a small pg Pool). Written once with `?` placeholders.
 */
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl, type DatabaseDialect } from "@/lib/platform/dialect";

export type Row = Record<string, unknown>;
type Query = (statement: string, params?: unknown[], write?: boolean) => Promise<Row[]>;

export type DeliveryDb = {
  dialect: DatabaseDialect;
  /** Any other statement (`?` placeholders; counts come back as strings from PostgreSQL). */
  query(statement: string, params?: unknown[]): Promise<Row[]>;
  /** The instance's owner, owner of the default workspace the instance-wide webhook URLs deliver to (no password: not for signing in). */
  seedOwner(): Promise<string>;
  /** webhook_deliveries rows by status. */
  statuses(): Promise<Record<string, number>>;
  /** Deliveries received, processing or retrying: work the dispatchers still owe. */
  pending(): Promise<number>;
  /** Rows per delivery id (GitHub's X-GitHub-Delivery), refusals left out. */
  storedById(): Promise<Map<string, number>>;
  /** Deliveries with more than one attempt that ended "processed". */
  processedTwice(): Promise<{ id: string; n: number }[]>;
  /** webhook_attempts by outcome. */
  attemptOutcomes(): Promise<Record<string, number>>;
  /** Attempts recorded as cut short by a dead process (their lease expired). */
  interruptedAttempts(): Promise<number>;
  /**
   * Automation runs of processed deliveries: how many processed deliveries have no run or more than
   * one of one automation, runs not finished, and runs that took more than one attempt (resumed).
   */
  automationRuns(): Promise<{ runs: number; deliveriesWithoutRun: number; duplicated: number; unfinished: number; resumed: number }>;
  close(): Promise<void>;
};

function sqliteQuery(path: string): Query {
  return async (statement, params = [], write = false) => {
    const database = new Database(path, { readonly: !write, fileMustExist: true });
    try {
      database.pragma("busy_timeout = 5000");
      const prepared = database.prepare(statement);
      if (prepared.reader) return prepared.all(...params) as Row[];
      prepared.run(...params);
      return [];
    } finally {
      database.close();
    }
  };
}

function postgresQuery(pool: pg.Pool): Query {
  return async (statement, params = []) => {
    let index = 0;
    const { rows } = await pool.query(
      statement.replace(/\?/g, () => `$${++index}`),
      params,
    );
    return rows as Row[];
  };
}

/** Counts come back as numbers from SQLite and as strings (bigint) from PostgreSQL. */
const byKey = (rows: Row[], key: string) => Object.fromEntries(rows.map((row) => [String(row[key]), Number(row.n)]));

/** `databaseUrl` as the server is given it: `file:<path>` for SQLite, `postgres://` for PostgreSQL. */
export function openDeliveryDb(databaseUrl: string): DeliveryDb {
  const postgres = isPostgresUrl(databaseUrl);
  const pool = postgres ? new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 10_000, query_timeout: 30_000 }) : undefined;
  const query = pool ? postgresQuery(pool) : sqliteQuery(databaseUrl.replace(/^file:/, ""));
  return {
    dialect: postgres ? "postgres" : "sqlite",
    query: (statement, params) => query(statement, params, true),
    async seedOwner() {
      const id = randomUUID();
      await query(`insert into "user" (id, name, email, role) values (?, 'Owner', ?, 'owner')`, [id, `owner-${id}@example.com`], true);
      // As the app makes the first owner: the default workspace's owner, whom instance-wide deliveries' workflows act as.
      await query(`insert into memberships (workspace_id, user_id, role) values ('default', ?, 'owner')`, [id], true);
      return id;
    },
    statuses: async () => byKey(await query("select status, count(*) as n from webhook_deliveries group by status"), "status"),
    pending: async () => Number((await query("select count(*) as n from webhook_deliveries where status in ('received', 'processing', 'retrying')"))[0]!.n),
    storedById: async () =>
      new Map(
        Object.entries(
          byKey(await query("select delivery_id as id, count(*) as n from webhook_deliveries where status <> 'rejected' group by delivery_id"), "id"),
        ),
      ),
    processedTwice: async () =>
      (
        await query(
          "select d.delivery_id as id, count(*) as n from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where a.outcome = 'processed' group by a.delivery_id, d.delivery_id having count(*) > 1",
        )
      ).map((row) => ({ id: String(row.id), n: Number(row.n) })),
    attemptOutcomes: async () => byKey(await query("select outcome, count(*) as n from webhook_attempts group by outcome"), "outcome"),
    interruptedAttempts: async () => Number((await query("select count(*) as n from webhook_attempts where error like '%interrupted%'"))[0]!.n),
    automationRuns: async () => {
      const count = async (statement: string) => Number((await query(statement))[0]!.n);
      return {
        runs: await count("select count(*) as n from automation_runs where trigger = 'delivery'"),
        deliveriesWithoutRun: await count(
          "select count(*) as n from webhook_deliveries d where d.status = 'processed' and d.event = 'push' and not exists (select 1 from automation_runs r where r.delivery_id = d.id and r.trigger = 'delivery')",
        ),
        duplicated: await count(
          "select count(*) as n from (select automation_id, delivery_id from automation_runs where trigger = 'delivery' group by automation_id, delivery_id having count(*) > 1) twice",
        ),
        unfinished: await count(
          "select count(*) as n from automation_runs r join webhook_deliveries d on d.id = r.delivery_id where d.status = 'processed' and r.status <> 'succeeded'",
        ),
        resumed: await count("select count(*) as n from automation_runs where trigger = 'delivery' and attempts > 1"),
      };
    },
    close: async () => void (await pool?.end()),
  };
}
