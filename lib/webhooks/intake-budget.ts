import "server-only";
import { env, processState } from "@/lib/platform";

/** Seconds a sender refused for want of room is asked to wait: bodies in hand are read and stored within moments. */
export const INTAKE_BUSY_RETRY_AFTER_SECONDS = 5;

// The budget is the process's (see lib/platform/process-state.ts).
const buffered = processState("IntakeBuffered", () => ({ bytes: 0 }));

/**
 * One delivery's share of WEBHOOK_INTAKE_MAX_BUFFERED_BYTES, the bytes of webhook bodies the
 * process holds at once while they are read and checked, before anything is known about who sent
 * them. A counter, not a lock: reserving is a comparison and an addition.
 */
export class BodyReservation {
  private held = 0;

  constructor(private readonly limit: number) {}

  /**
   * Holds `total` bytes for this body in all (what it already holds counts): false, holding no more,
   * when the budget has no room for the difference.
   */
  holdUpTo(total: number): boolean {
    const more = total - this.held;
    if (more <= 0) return true;
    if (buffered.bytes + more > this.limit) return false;
    buffered.bytes += more;
    this.held = total;
    return true;
  }

  /** Gives back everything held; called once the body is stored or refused, or its reading failed. */
  release(): void {
    buffered.bytes -= this.held;
    this.held = 0;
  }
}

/** The bytes of webhook bodies the process holds now. */
export function bufferedIntakeBytes(): number {
  return buffered.bytes;
}

export function reserveIntakeBody(): BodyReservation {
  return new BodyReservation(env().WEBHOOK_INTAKE_MAX_BUFFERED_BYTES);
}
