import type { EventEmitter } from "node:events";
import { log } from "@/lib/platform";
import { Slots, type SlotKey, type SlotLimits, type SlotVerdict } from "./slots";

/**
 * What a worker with slots asks of a lease: skip what it has in flight, and take a candidate only
 * when `admit` finds it a slot (a lease that does not look at keys admits each row it takes).
 */
export type Admission = { inFlight: string[]; admit: (id: string, key: SlotKey) => SlotVerdict };

/** One table's queue, as the worker runs it: the dialect SQL and the table stay with the caller. */
export type QueueTable<T> = {
  /** Leases up to `wanted` due items (db/sql/leasing.ts), each lease counting one more attempt. */
  lease: (wanted: number, admission: Admission) => Promise<T[]>;
  /** One attempt at a leased item, its result recorded fenced by the attempt number (recordFenced). */
  attempt: (item: T) => Promise<void>;
  idOf: (item: T) => string;
};

export type WorkerOptions = {
  slots: SlotLimits;
  /** Each finished attempt leases again at once (a sender running as a background loop of pumps). */
  refillOnFinish?: boolean;
  /** The name failed pumps are logged under. */
  name: string;
  /** At most this many items a lease, leasing again while slots are free (default: every free slot in one lease). */
  leaseAtMost?: number;
};

export type DrainOptions = {
  /** While attempts run, also lease again when `wake` emits "wake" or `pollMs` passes. */
  wake?: EventEmitter;
  pollMs?: number;
  /** Asked before leasing more: true while leasing should wait (checked again every YIELD_CHECK_MS). */
  yieldFirst?: () => boolean | Promise<boolean>;
};

const YIELD_CHECK_MS = 100;

/** Resolves when `wake` emits "wake" or after `ms`, whichever is first. */
function wakeOrTimeout(wake: EventEmitter, ms: number): { promise: Promise<void>; cancel: () => void } {
  let cancel = () => {};
  const promise = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.off("wake", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wake.on("wake", done);
    cancel = done;
  });
  return { promise, cancel };
}

/**
 * Runs a durable queue's attempts as slots free up (./slots.ts): what is due and fits is leased and
 * started at once, so nothing waits for a batch, and one slow item holds only its own slots.
 */
export class QueueWorker<T> {
  private readonly slots: Slots;
  private readonly running = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private again = false;
  /** How many attempts this worker has started. */
  started = 0;

  constructor(
    private readonly table: QueueTable<T>,
    private readonly options: WorkerOptions,
  ) {
    this.slots = new Slots(options.slots);
  }

  /** Leases what is due and fits, and starts it; settles when nothing more can start now. One pass at a time: a call during one runs another after it. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          await this.fill();
        } while (this.again);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  /** Runs attempts until nothing is due and nothing is in flight; returns how many it started. */
  async drain({ wake, pollMs = 1000, yieldFirst }: DrainOptions = {}): Promise<number> {
    for (;;) {
      const yielding = (await yieldFirst?.()) ?? false;
      if (!yielding) await this.pump();
      // A pass may have judged with slots an attempt that has since finished still taken: nothing
      // in flight is known only after a pass that began with nothing in flight.
      if (this.running.size === 0 && !yielding && (await this.nothingStartsNow())) return this.started;
      const wait = wake ? wakeOrTimeout(wake, yielding ? YIELD_CHECK_MS : pollMs) : undefined;
      await Promise.race([...(wait ? [wait.promise] : []), ...this.running]);
      wait?.cancel();
    }
  }

  /** One more pass, begun now that nothing is in flight; true when it started nothing either. */
  private async nothingStartsNow(): Promise<boolean> {
    await this.pump();
    return this.running.size === 0;
  }

  private async fill(): Promise<void> {
    while (this.slots.free > 0) {
      const wanted = Math.min(this.slots.free, this.options.leaseAtMost ?? Infinity);
      const admitted: string[] = [];
      let leased: T[] = [];
      try {
        leased = await this.table.lease(wanted, {
          inFlight: this.slots.ids(),
          admit: (id, key) => {
            const verdict = this.slots.take(id, key);
            if (verdict === "taken") admitted.push(id);
            return verdict;
          },
        });
      } finally {
        // Admitted but not leased: the lease failed, or the item was deleted meanwhile.
        const started = new Set(leased.map(this.table.idOf));
        for (const id of admitted) if (!started.has(id)) this.slots.release(id);
      }
      for (const item of leased) this.start(item);
      if (leased.length < wanted) return;
    }
  }

  private start(item: T): void {
    const id = this.table.idOf(item);
    this.started++;
    const running: Promise<void> = this.table.attempt(item).finally(() => {
      this.slots.release(id);
      this.running.delete(running);
      if (this.options.refillOnFinish)
        this.pump().catch((error: unknown) => log.error(`${this.options.name} pass failed`, { error: (error as Error).message }));
    });
    this.running.add(running);
  }
}

/**
 * Extends an item's lease every third of it while its attempt runs, so no other worker takes the
 * item over meanwhile. Returns the stop.
 */
export function renewWhileRunning(renew: () => Promise<unknown>, leaseMs: number, onError: (error: unknown) => void): () => void {
  const heartbeat = setInterval(
    () => {
      renew().catch(onError);
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  return () => clearInterval(heartbeat);
}
