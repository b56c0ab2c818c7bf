import type Database from "better-sqlite3";
import { processState } from "@/lib/platform/process-state";
import { transactionRunning, whenNoTransactionRuns } from "./sqlite-gate";

/**
 * Shared commits on SQLite's one connection. Every write of a turn of the event loop (each
 * `transaction()` in its own savepoint, intake's batches, single awaited writes) runs inside one
 * open BEGIN IMMEDIATE, which commits once: at the end of that turn (setImmediate), or as soon
 * after it as no transaction is running. Under load, everything that became ready while the
 * previous COMMIT's fsync blocked the loop shares the next one, so many deliveries' processing
 * writes cost one fsync instead of one each. At low load a write commits in the same turn, as before.
 *
 * Each writer's promise settles only after that COMMIT returned: at synchronous=FULL a resolved
 * write is on disk, as before. A member that fails is rolled back to its savepoint alone; a COMMIT
 * that fails (or SQLite rolling the whole transaction back itself, e.g. a full disk) fails every
 * member. Reads outside transactions see the open transaction's writes at once (same connection);
 * nothing acts on them before the writer's promise resolves, which is after the commit.
 */
export type SharedCommit = {
  /**
   * Opens the shared transaction unless one is open and returns the promise of its COMMIT. Call
   * only while no other transaction's body is running (inside `exclusively`, or `outsideTransactions`).
   */
  join(): Promise<void>;
  /** SQLite rolled the shared transaction back itself: its members' commits fail with `error`. */
  lost(error: unknown): void;
  /** Commits the open shared transaction now, if any (before closing the connection). */
  commitNow(): void;
};

type Batch = { committed: Promise<void>; resolve: () => void; reject: (error: unknown) => void };

const byConnection = processState("SqliteCommit", () => new WeakMap<Database.Database, SharedCommit>());

/** The shared commit of this connection (one per connection, process-wide). */
export function sharedCommit(client: Database.Database): SharedCommit {
  let found = byConnection.get(client);
  if (!found) byConnection.set(client, (found = createSharedCommit(client)));
  return found;
}

function createSharedCommit(client: Database.Database): SharedCommit {
  let open: Batch | undefined;
  let scheduled = false;

  function commitNow(): void {
    const batch = open;
    if (!batch) return;
    open = undefined;
    try {
      if (!client.inTransaction) throw new Error("SQLite rolled the shared transaction back before its COMMIT");
      client.exec("COMMIT");
      batch.resolve();
    } catch (error) {
      if (client.inTransaction) client.exec("ROLLBACK");
      batch.reject(error);
    }
  }

  function commitAtEndOfTurn(): void {
    scheduled = false;
    // A transaction awaiting something holds its savepoint open: commit as it ends, before the next one starts.
    if (transactionRunning()) whenNoTransactionRuns(commitNow);
    else commitNow();
  }

  return {
    join() {
      if (!open) {
        if (client.inTransaction) throw new Error("a transaction not opened by the shared commit is open on this connection");
        client.exec("BEGIN IMMEDIATE");
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const committed = new Promise<void>((onCommit, onFailure) => ((resolve = onCommit), (reject = onFailure)));
        // Members that failed on their own do not wait for the COMMIT; its failure must not go unhandled.
        committed.catch(() => {});
        open = { committed, resolve, reject };
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(commitAtEndOfTurn);
      }
      return open.committed;
    },
    lost(error) {
      const batch = open;
      open = undefined;
      batch?.reject(error);
    },
    commitNow,
  };
}
