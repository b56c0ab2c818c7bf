/** How many outbound messages one process sends at once: in all, to one origin, and for one person. */
export type SlotLimits = { total: number; perOrigin: number; perPerson: number };

/**
 * A destination that never answers holds at most `perOrigin` sends (each up to the 15 s send
 * timeout), and one person's destinations at most `perPerson`, so everyone else keeps the rest.
 */
export const OUTBOX_SLOTS: SlotLimits = { total: 64, perOrigin: 8, perPerson: 16 };

/** Who a message is for and where it goes: the origin of its destination URL ("slack" for Slack channels). */
export type SendKey = { userId: string; origin: string };

/** Whether a message took a slot, or which ones were all in use: the process's, its person's or its origin's. */
export type SlotVerdict = "taken" | "full" | "person_full" | "origin_full";

/** The origin (scheme, host, port) a send is counted under; a URL that does not parse counts as itself. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/** The sends one process has in flight, counted by origin and by person. */
export class SendSlots {
  private readonly inFlight = new Map<string, SendKey>();
  private readonly byOrigin = new Map<string, number>();
  private readonly byPerson = new Map<string, number>();

  constructor(private readonly limits: SlotLimits) {}

  get free(): number {
    return this.limits.total - this.inFlight.size;
  }

  /** The messages in flight, which this process must not lease again while they run. */
  ids(): string[] {
    return [...this.inFlight.keys()];
  }

  /** Takes a slot for a message when there is one free in all, for its person and for its origin. */
  take(id: string, key: SendKey): SlotVerdict {
    if (this.inFlight.has(id)) throw new Error(`outbound message ${id} is already in flight`);
    if (this.free <= 0) return "full";
    if ((this.byPerson.get(key.userId) ?? 0) >= this.limits.perPerson) return "person_full";
    if ((this.byOrigin.get(key.origin) ?? 0) >= this.limits.perOrigin) return "origin_full";
    this.inFlight.set(id, key);
    add(this.byPerson, key.userId, 1);
    add(this.byOrigin, key.origin, 1);
    return "taken";
  }

  release(id: string): void {
    const key = this.inFlight.get(id);
    if (!key) return;
    this.inFlight.delete(id);
    add(this.byPerson, key.userId, -1);
    add(this.byOrigin, key.origin, -1);
  }
}
