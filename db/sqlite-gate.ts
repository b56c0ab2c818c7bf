import { AsyncLocalStorage } from "node:async_hooks";

/**
 * SQLite has one connection per process, so an async transaction shares it with every other
 * query the process runs while the transaction awaits. The gate keeps them apart: while a
 * transaction is open, queries started outside it wait until it has ended, and the next
 * transaction waits its turn. Queries are gated where they are awaited (drizzle's builders are
 * thenables), so feature code just awaits them.
 */
const insideTransaction = new AsyncLocalStorage<true>();
let current: Promise<void> | undefined;

function mustWait(): boolean {
  return current !== undefined && insideTransaction.getStore() === undefined;
}

/** Resolves once no transaction is open (or at once, inside the open one). */
export async function gateOpen(): Promise<void> {
  while (mustWait()) await current;
}

export function inGatedTransaction(): boolean {
  return insideTransaction.getStore() !== undefined;
}

/**
 * Runs `body` as the only transaction on the connection: waits for the open one, marks this
 * async context as inside, and keeps everyone else waiting until `body` settles. Called inside
 * the open transaction, `body` simply joins it.
 */
export async function exclusively<T>(body: () => Promise<T>): Promise<T> {
  if (inGatedTransaction()) return body();
  // Checked and taken in the same turn: an `await` between them would let another transaction in.
  while (current !== undefined) await current;
  let release!: () => void;
  current = new Promise<void>((resolve) => (release = resolve));
  try {
    return await insideTransaction.run(true, body);
  } finally {
    current = undefined;
    release();
  }
}

/**
 * The database object, gated: every builder it hands out waits at `then` while a transaction it
 * is not part of is open. Methods run on the real object, so drizzle's internals never see the proxy.
 */
export function gated<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      if (key === "then") {
        const then = value as (onFulfilled?: unknown, onRejected?: unknown) => unknown;
        return (onFulfilled?: unknown, onRejected?: unknown) =>
          mustWait() ? gateOpen().then(() => then.call(object, onFulfilled, onRejected)) : then.call(object, onFulfilled, onRejected);
      }
      return (...args: unknown[]) => {
        const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(object, args);
        return result !== null && typeof result === "object" && !Array.isArray(result) && !(result instanceof Promise) ? gated(result) : result;
      };
    },
  });
}
