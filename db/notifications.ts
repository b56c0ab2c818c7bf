import { EventEmitter } from "node:events";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import { env } from "@/lib/platform/env";
import { execute, usingPostgres } from "./client";
import { instanceId } from "./instance";
import { currentTransaction } from "./postgres";
import { perTurn } from "@/lib/platform/per-turn";
import { processState } from "@/lib/platform/process-state";

/**
 * Change notices: "delivery" and "run" for live pages (the webhook log, run pages), "endpoint" for
 * intake (an endpoint changed: forget the endpoints kept, lib/webhooks/endpoints.ts). On SQLite
 * there is one process, so a notice is emitted on this process's bus at once. On PostgreSQL it is
 * a NOTIFY, and each process's relay (one LISTEN connection) re-emits what it hears, its own
 * notices included, so a page served by one process sees what another received (there a notice
 * sent inside a transaction goes out at COMMIT, and not at all on ROLLBACK). Listeners get the
 * notice and its origin: `elsewhere` is true for a notice another process sent.
 */
export type NoticeChannel = "delivery" | "run" | "endpoint";
export type NoticeOrigin = { elsewhere: boolean };

const PREFIX = "patchbay_";
const CHANNELS: NoticeChannel[] = ["delivery", "run", "endpoint"];

type Relay = { client: pg.Client | undefined; starting: Promise<void> | undefined; retryMs: number };

/** This process's mark on the notices it sends (its instance id), so its relay can tell them from other processes'. */
const ORIGIN = instanceId();
const HERE: NoticeOrigin = { elsewhere: false };
const ELSEWHERE: NoticeOrigin = { elsewhere: true };

/** The bus this process's listeners subscribe to (`bus.on("delivery", ...)`). */
export const noticeBus: EventEmitter = processState("NoticeBus", createBus);
const relay = processState<Relay>("NoticeRelay", () => ({ client: undefined, starting: undefined, retryMs: 500 }));

function createBus(): EventEmitter {
  const bus = new EventEmitter().setMaxListeners(1000);
  // The first page that listens starts the relay (on PostgreSQL); publishing starts it too.
  bus.on("newListener", (event: string | symbol) => {
    if (CHANNELS.includes(event as NoticeChannel) && usingPostgres()) startInBackground();
  });
  return bus;
}

export function publish(channel: NoticeChannel, notice: object): void {
  if (!usingPostgres()) {
    noticeBus.emit(channel, notice, HERE);
    return;
  }
  startInBackground();
  // Inside a transaction the notice goes out with its COMMIT.
  if (currentTransaction()) {
    void send(sql`select ${notifyOf(channel, [notice])}`);
    return;
  }
  // On its own, it waits for the end of this turn of the event loop, or for the notices sent before
  // it to be: the notices published until then (a burst of deliveries, the deliveries processed side
  // by side) go out together, a few to a NOTIFY, in one statement.
  sendWithOthers({ channel, notice });
}

/** A NOTIFY payload stays under PostgreSQL's 8000 bytes with room to spare. */
const PAYLOAD_BYTES = 7000;

function notifyOf(channel: NoticeChannel, notices: object[]) {
  return sql`pg_notify(${PREFIX + channel}, ${JSON.stringify({ origin: ORIGIN, notices })})`;
}

/** How many rows' notices notifyEachRow packs into one NOTIFY (a delivery's notice is under 120 bytes). */
const ROWS_PER_NOTIFY = 48;

/**
 * PostgreSQL, for a statement that writes rows and announces them: a select of one NOTIFY per
 * ROWS_PER_NOTIFY rows of the relation `rows` (a CTE of the statement, with an `id` to order by),
 * each row's notice built by `notice` (a json expression over its columns), in the format publish
 * sends. The notices go out with the statement's commit, so a write and its notices cost one
 * statement and one commit. Reference the result in the statement's output: PostgreSQL skips a
 * CTE nothing reads. Like publish, it starts this process's relay.
 */
export function notifyEachRow(channel: NoticeChannel, rows: string, notice: SQL): SQL {
  startInBackground();
  return sql`select pg_notify(${PREFIX + channel}, json_build_object('origin', ${ORIGIN}::text, 'notices', json_agg(${notice} order by id))::text)
    from (select *, (row_number() over (order by id) - 1) / ${sql.raw(String(ROWS_PER_NOTIFY))} as chunk from ${sql.raw(rows)}) numbered
    group by chunk`;
}

function send(statement: ReturnType<typeof sql>): Promise<void> {
  return execute(statement).then(
    () => undefined,
    (error: unknown) => console.error(`patchbay: a live-page notice was not sent: ${(error as Error).message}`),
  );
}

/** The notices published together, packed into as few NOTIFYs as their size allows, in one statement. */
const sendWithOthers = perTurn<{ channel: NoticeChannel; notice: object }>((notices) => {
  const notifies: ReturnType<typeof notifyOf>[] = [];
  for (const channel of CHANNELS) {
    let group: object[] = [];
    let bytes = 0;
    for (const { notice } of notices.filter((entry) => entry.channel === channel)) {
      const size = JSON.stringify(notice).length + 1;
      if (group.length > 0 && bytes + size > PAYLOAD_BYTES) {
        notifies.push(notifyOf(channel, group));
        group = [];
        bytes = 0;
      }
      group.push(notice);
      bytes += size;
    }
    if (group.length > 0) notifies.push(notifyOf(channel, group));
  }
  if (notifies.length === 0) return;
  // A NOTIFY's commit waits for a WAL flush like a data change's would: a notice is no data (a lost
  // one costs a page a poll), so that commit does not wait (synchronous_commit off for this transaction only).
  return send(sql`select set_config('synchronous_commit', 'off', true), ${sql.join(notifies, sql`, `)}`);
});

/** Connects this process's LISTEN connection (once; reconnects with backoff when it drops). */
export function startNoticeRelay(): Promise<void> {
  if (!usingPostgres()) return Promise.resolve();
  relay.starting ??= connect();
  return relay.starting;
}

async function connect(): Promise<void> {
  const client = new pg.Client({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: 10_000 });
  client.on("notification", (message) => {
    const channel = message.channel.slice(PREFIX.length) as NoticeChannel;
    if (!CHANNELS.includes(channel) || !message.payload) return;
    try {
      // `notices`: one NOTIFY carries those published together; `notice`: one (as earlier versions sent).
      const { origin, notice, notices } = JSON.parse(message.payload) as { origin?: unknown; notice?: unknown; notices?: unknown };
      for (const each of Array.isArray(notices) ? notices : [notice]) {
        if (typeof each === "object" && each !== null) noticeBus.emit(channel, each, origin === ORIGIN ? HERE : ELSEWHERE);
      }
    } catch {
      // not one of ours
    }
  });
  const reconnect = () => {
    if (relay.client !== client) return;
    relay.client = undefined;
    relay.starting = undefined;
    void client.end().catch(() => {});
    setTimeout(startInBackground, relay.retryMs).unref();
    relay.retryMs = Math.min(relay.retryMs * 2, 30_000);
  };
  client.on("error", reconnect);
  client.on("end", reconnect);
  try {
    await client.connect();
    for (const channel of CHANNELS) await client.query(`listen ${PREFIX}${channel}`);
    relay.client = client;
    relay.retryMs = 500;
  } catch (error) {
    relay.starting = undefined;
    await client.end().catch(() => {});
    throw error;
  }
}

/**
 * Starts the relay without waiting for it. A failed connect (the server restarting, a database
 * dropped at the end of a test) is logged, not left as an unhandled rejection that would stop the
 * process; the next notice or listener tries again.
 */
function startInBackground(): void {
  startNoticeRelay().catch((error: unknown) => {
    console.error(`patchbay: notices from other processes are paused (${(error as Error).message}); retrying with the next one`);
  });
}

/** Closes the relay (tests, shutdown). */
export async function stopNoticeRelay(): Promise<void> {
  const client = relay.client;
  relay.client = undefined;
  relay.starting = undefined;
  await client?.end().catch(() => {});
}
