import type Database from "better-sqlite3";

/** Runs a write and resolves with its result once the transaction holding it has committed. */
export type GroupCommit = <T>(write: () => T) => Promise<T>;

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

type Pending = { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit on one SQLite connection: writes enqueued during the same turn of the event loop
 * (better-sqlite3 blocks that loop during a commit, so under load that is everything that arrived
 * while the previous batch was being flushed) share one transaction and so one fsync. Each write
 * runs inside its own savepoint, so one that throws (a constraint) is rolled back alone and only
 * its promise rejects; the others commit. Every promise settles only after COMMIT returned, so at
 * synchronous=FULL a resolved write is on disk.
 */
export function createGroupCommit(
  client: Database.Database,
  { maxRows = 256, maxWaitMs = 0, othersComing = () => false }: GroupCommitOptions = {},
): GroupCommit {
  let queue: Pending[] = [];
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waitingSince = 0;

  // better-sqlite3 runs a transaction function nested in another as a savepoint (rolled back to on a throw).
  const inSavepoint = client.transaction((write: () => unknown) => write());
  const inTransaction = client.transaction((batch: Pending[]) =>
    batch.map((pending): { ok: true; value: unknown } | { ok: false; error: unknown } => {
      try {
        return { ok: true, value: inSavepoint(pending.write) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  function schedule(): void {
    if (immediate || timer || queue.length === 0) return;
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
    // A caller inside its own transaction: committing now would only be a savepoint of it.
    if (client.inTransaction) {
      timer = setTimeout(flush, 1);
      return;
    }
    const batch = queue.slice(0, maxRows);
    queue = queue.slice(batch.length);
    waitingSince = Date.now();
    let outcomes: ReturnType<typeof inTransaction>;
    try {
      outcomes = inTransaction.immediate(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      schedule();
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
    schedule();
  }

  return <T>(write: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) waitingSince = Date.now();
      queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
}
