import { processState, type ProcessStateName } from "./process-state";

/** A value read for every delivery processed that rarely changes, kept for a moment. */
export type KeptBriefly<T> = {
  /** The value kept for `key` if younger than the cache's lifetime, else `load()`'s; callers asking while it loads share that one read. */
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** The value kept for `key` when it has been read and is younger than the cache's lifetime (no promise to await on a hot path). */
  peek(key: string): { value: T } | undefined;
  /** Drops everything kept: the writes of what is kept call this, so a change in this process counts at once. */
  forget(): void;
};

/**
 * Keeps what `load` read for `lifetimeMs`: the processing of a delivery reads its workspace's
 * enabled automations, its forwarding destinations and its first owner, which change a few times a
 * day, and read each time they cost a statement per delivery. A change made in this process forgets
 * them at once (`forget`); one made in another process (PostgreSQL) counts from at most
 * `lifetimeMs` later, as if the deliveries in between had been processed a moment earlier. The
 * values are shared by every caller and must not be changed. Process-wide (lib/platform/process-state.ts):
 * the writes and the dispatcher may run in different copies of a module.
 */
/** One key's read: when it started, its promise, and once it has succeeded its value (for `peek`). */
type Entry<T> = { at: number; value: Promise<T>; read?: { value: T } };

export function keptBriefly<T>(name: ProcessStateName, lifetimeMs: number): KeptBriefly<T> {
  const kept = processState(name, () => new Map<string, Entry<T>>());
  return {
    get(key, load) {
      const now = Date.now();
      const entry = kept.get(key);
      if (entry && now - entry.at < lifetimeMs) return entry.value;
      // Promise.resolve: a query builder is a thenable that runs again each time it is awaited.
      const value = Promise.resolve(load());
      const loading: Entry<T> = { at: now, value };
      kept.set(key, loading);
      value.then(
        (read) => (loading.read = { value: read }),
        // A failed read is not kept: the next caller reads again.
        () => kept.get(key) === loading && kept.delete(key),
      );
      return value;
    },
    peek(key) {
      const entry = kept.get(key);
      return entry && Date.now() - entry.at < lifetimeMs ? entry.read : undefined;
    },
    forget() {
      kept.clear();
    },
  };
}
