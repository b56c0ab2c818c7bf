import { AsyncLocalStorage } from "node:async_hooks";
import { processState } from "@/lib/platform/process-state";

/**
 * SQLite has one connection per process, so an async transaction shares it with every other
 * query the process runs while the transaction awaits. The gate keeps them apart: while a
 * transaction is running, queries started outside it wait until it has ended, and the next
 * transaction waits its turn. Queries are gated where they are awaited (drizzle's builders are
 * thenables), so feature code just awaits them.
 *
 * Process-wide (server.ts and Next's bundle load this module apart but share the connection).
 */
const gate = processState("SqliteGate", () => ({
  insideTransaction: new AsyncLocalStorage<true>(),
  current: undefined as Promise<void> | undefined,
  /** Called once, synchronously, when the running transaction ends and before anyone waiting gets in. */
  onNextOpen: [] as (() => void)[],
}));

function mustWait(): boolean {
  return gate.current !== undefined && gate.insideTransaction.getStore() === undefined;
}

/**
 * Runs `work` once no transaction it is not part of is running, checked in the same turn as it
 * starts (an `await` between the check and the work would let a transaction in).
 */
export async function outsideTransactions<T>(work: () => T): Promise<Awaited<T>> {
  while (mustWait()) await gate.current;
  return await work();
}

export function inGatedTransaction(): boolean {
  return gate.insideTransaction.getStore() !== undefined;
}

/** Whether a transaction is running now (its body may be awaiting something). */
export function transactionRunning(): boolean {
  return gate.current !== undefined;
}

/** Calls `listener` as soon as no transaction is running: now, or as the running one ends. */
export function whenNoTransactionRuns(listener: () => void): void {
  if (gate.current === undefined) listener();
  else gate.onNextOpen.push(listener);
}

/**
 * Runs `body` as the only transaction on the connection: waits for the running one, marks this
 * async context as inside, and keeps everyone else waiting until `body` settles. Called inside
 * the running transaction, `body` simply joins it.
 */
export async function exclusively<T>(body: () => Promise<T>): Promise<T> {
  if (inGatedTransaction()) return body();
  // Checked and taken in the same turn: an `await` between them would let another transaction in.
  while (gate.current !== undefined) await gate.current;
  let release!: () => void;
  gate.current = new Promise<void>((resolve) => (release = resolve));
  try {
    return await gate.insideTransaction.run(true, body);
  } finally {
    gate.current = undefined;
    const listeners = gate.onNextOpen.splice(0);
    for (const listener of listeners) listener();
    release();
  }
}

/**
 * The database object, gated: every builder it hands out waits at `then` while a transaction it
 * is not part of is running, and a write builder (insert, update, delete) is handed to `write`,
 * which decides when its statement runs and when its promise settles (db/client.ts: after the
 * shared COMMIT holding it). Methods run on the real object, so drizzle's internals never see the proxy.
 */
export function gated<T extends object>(target: T, write: <R>(run: () => Promise<R>) => Promise<R>, isWrite = false): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      if (key === "then") {
        const then = value as (onFulfilled?: unknown, onRejected?: unknown) => Promise<unknown>;
        const run = () => then.call(object);
        return (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => {
          if (inGatedTransaction()) return then.call(object, onFulfilled, onRejected);
          return (isWrite ? write(run) : outsideTransactions(run)).then(onFulfilled, onRejected);
        };
      }
      return (...args: unknown[]) => {
        const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(object, args);
        const startsWrite = isWrite || key === "insert" || key === "update" || key === "delete";
        return result !== null && typeof result === "object" && !Array.isArray(result) && !(result instanceof Promise)
          ? gated(result, write, startsWrite)
          : result;
      };
    },
  });
}
