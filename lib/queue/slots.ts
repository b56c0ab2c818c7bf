/** How many attempts one process runs at once: in all, to one origin, and for one person. */
export type SlotLimits = { total: number; perOrigin: number; perPerson: number };

/** Who an item is for and where its attempt goes (the outbox: its destination URL's origin). */
export type SlotKey = { workspaceId: string; origin: string };

/** Whether an item took a slot, or which ones were all in use: the process's, its person's or its origin's. */
export type SlotVerdict = "taken" | "full" | "person_full" | "origin_full";

function add(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/** The attempts one process has in flight, counted by origin and by person. */
export class Slots {
  private readonly inFlight = new Map<string, SlotKey>();
  private readonly byOrigin = new Map<string, number>();
  private readonly byPerson = new Map<string, number>();

  constructor(private readonly limits: SlotLimits) {}

  get free(): number {
    return this.limits.total - this.inFlight.size;
  }

  /** The items in flight, which this process must not lease again while they run. */
  ids(): string[] {
    return [...this.inFlight.keys()];
  }

  /** Takes a slot for an item when there is one free in all, for its person and for its origin. */
  take(id: string, key: SlotKey): SlotVerdict {
    if (this.inFlight.has(id)) throw new Error(`${id} is already in flight`);
    if (this.free <= 0) return "full";
    if ((this.byPerson.get(key.workspaceId) ?? 0) >= this.limits.perPerson) return "person_full";
    if ((this.byOrigin.get(key.origin) ?? 0) >= this.limits.perOrigin) return "origin_full";
    this.inFlight.set(id, key);
    add(this.byPerson, key.workspaceId, 1);
    add(this.byOrigin, key.origin, 1);
    return "taken";
  }

  has(id: string): boolean {
    return this.inFlight.has(id);
  }

  release(id: string): void {
    const key = this.inFlight.get(id);
    if (!key) return;
    this.inFlight.delete(id);
    add(this.byPerson, key.workspaceId, -1);
    add(this.byOrigin, key.origin, -1);
  }
}
