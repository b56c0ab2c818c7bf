import type Database from "better-sqlite3";
import { sharedCommit } from "./sqlite-commit";
import { transactionRunning, whenNoTransactionRuns } from "./sqlite-gate";

/** Runs a write and resolves with its result once the transaction holding it has committed. */
export type GroupCommit = <T>(write: () => T, options?: WriteOptions) => Promise<T>;

export type WriteOptions = {
  /**
   * The write is one SQL statement and does nothing after it that can throw. SQLite undoes a
   * failed statement alone (its statement journal), so it needs no savepoint of its own in a
   * batch; and alone in its batch, with no transaction open, it runs in autocommit: one statement
   * that commits (and at synchronous=FULL is on disk) as it returns, as a one-commit-per-request
   * server's insert does, without BEGIN, SAVEPOINT, RELEASE and a COMMIT one more turn later.
   */
  oneStatement?: boolean;
};

export type GroupCommitOptions = {
  /** The most writes one transaction holds; more wait for the next one. */
  maxRows?: number;
  /**
   * How long the first write of a batch may wait for company while `othersComing()` says more
   * are on their way. Zero, or nobody coming, means the batch commits at the end of this turn of
   * the event loop.
   */
  maxWaitMs?: number;
  /** Whether more writes are about to be enqueued (e.g. requests whose bodies are being read). */
  othersComing?: () => boolean;
};

type Pending = { write: () => unknown; oneStatement: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit on one SQLite connection: writes enqueued during the same turn of the event loop
 * (better-sqlite3 blocks that loop during a commit, so under load that is everything that arrived
 * while the previous batch was being flushed) share one transaction and so one fsync: the shared
 * transaction of that turn (db/sqlite-commit.ts), which the processing's transactions of the turn
 * share too. Each write runs inside its own savepoint, so one that throws (a constraint) is rolled
 * back alone and only its promise rejects; the others commit. Every promise settles only after
 * COMMIT returned, so at synchronous=FULL a resolved write is on disk. A lone one-statement write
 * (WriteOptions.oneStatement: one connection's deliveries, one at a time) commits on its own instead.
 */
export function createGroupCommit(
  client: Database.Database,
  { maxRows = 256, maxWaitMs = 0, othersComing = () => false }: GroupCommitOptions = {},
): GroupCommit {
  const shared = sharedCommit(client);
  let queue: Pending[] = [];
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waitingForTransaction = false;
  let waitingSince = 0;

  // better-sqlite3 runs a transaction function inside an open transaction as a savepoint (rolled back to on a throw).
  const inSavepoint = client.transaction((write: () => unknown) => write());

  function schedule(): void {
    if (immediate || timer || waitingForTransaction || queue.length === 0) return;
    immediate = setImmediate(flush);
  }

  function flush(): void {
    immediate = undefined;
    timer = undefined;
    if (queue.length === 0) return;
    const lingerLeft = maxWaitMs - (Date.now() - waitingSince);
    if (queue.length < maxRows && lingerLeft > 0 && othersComing()) {
      timer = setTimeout(flush, Math.min(1, lingerLeft));
      return;
    }
    // A transaction awaiting something holds its savepoint open: writing now would put these rows in it.
    if (transactionRunning()) {
      waitingForTransaction = true;
      whenNoTransactionRuns(() => {
        waitingForTransaction = false;
        flush();
      });
      return;
    }
    const batch = queue.slice(0, maxRows);
    queue = queue.slice(batch.length);
    waitingSince = Date.now();
    if (batch.length === 1 && batch[0]!.oneStatement && !client.inTransaction) {
      writeAlone(batch[0]!);
      schedule();
      return;
    }
    let committed: Promise<void>;
    try {
      committed = shared.join();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      schedule();
      return;
    }
    const written: Pending[] = [];
    const values: unknown[] = [];
    for (const [index, pending] of batch.entries()) {
      try {
        values.push(pending.oneStatement ? pending.write() : inSavepoint(pending.write));
        written.push(pending);
      } catch (error) {
        pending.reject(error);
        if (client.inTransaction) continue;
        // SQLite rolled the whole transaction back itself (e.g. a full disk): nothing of it will commit.
        shared.lost(error);
        for (const rest of batch.slice(index + 1)) rest.reject(error);
        break;
      }
    }
    committed.then(
      () => written.forEach((pending, index) => pending.resolve(values[index])),
      (error: unknown) => written.forEach((pending) => pending.reject(error)),
    );
    schedule();
  }

  /** A one-statement write in autocommit: SQLite commits it as the statement returns; a failed one left nothing behind. */
  function writeAlone(pending: Pending): void {
    let value: unknown;
    try {
      value = pending.write();
    } catch (error) {
      pending.reject(error);
      return;
    }
    pending.resolve(value);
  }

  return <T>(write: () => T, { oneStatement = false }: WriteOptions = {}) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) waitingSince = Date.now();
      queue.push({ write, oneStatement, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
}
