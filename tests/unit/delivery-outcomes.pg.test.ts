import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, transaction } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { settleDeliveries, type DeliveryOutcome } from "@/db/sql/delivery-outcomes";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { newDelivery } from "../support/deliveries";

let sequence = 0;

/** A delivery being processed by its `attempts`-th attempt, maybe with a workflow run already. */
async function leased(attempts: number, workflowRunId: string | null = null): Promise<number> {
  sequence++;
  const id = (await insertAccepted(newDelivery(`outcomes-${sequence}-${crypto.randomUUID()}`, { event: "ping" })))!;
  await db()
    .update(webhookDeliveries)
    .set({ status: "processing", attempts, leaseUntil: Date.now() + 60_000, replayRequested: true, workflowRunId })
    .where(eq(webhookDeliveries.id, id));
  return id;
}

const outcome = (id: number, attempts: number, change: Partial<DeliveryOutcome> = {}): DeliveryOutcome => ({
  id,
  attempts,
  status: "processed",
  processingMs: 12,
  lastError: null,
  nextAttemptAt: null,
  workflowRunId: null,
  ...change,
});

/** db/sql/delivery-outcomes.ts: the outcomes of a turn's attempts in one statement, each fenced by its attempt. */
describe("settleDeliveries", () => {
  it("settles each delivery still leased to the attempt, with its own outcome, and leaves one taken over alone", async () => {
    const processed = await leased(1, "run-before");
    const retrying = await leased(2);
    const takenOver = await leased(3); // another dispatcher counted a third attempt
    const settled = await transaction(() =>
      settleDeliveries([
        outcome(processed, 1),
        outcome(retrying, 2, { status: "retrying", lastError: `it's "broken" 🚀`, nextAttemptAt: 1_780_000_000_123, workflowRunId: "run-new" }),
        outcome(takenOver, 2, { status: "failed", lastError: "late" }),
      ]),
    );
    expect([...settled].sort()).toEqual([processed, retrying].sort());
    const found = await db()
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.id, [processed, retrying, takenOver]));
    const byId = new Map(found.map((row) => [row.id, row]));
    expect(byId.get(processed)).toMatchObject({
      status: "processed",
      leaseUntil: null,
      replayRequested: false,
      processingMs: 12,
      lastError: null,
      nextAttemptAt: null,
      workflowRunId: "run-before", // kept when the attempt started none
    });
    expect(byId.get(retrying)).toMatchObject({
      status: "retrying",
      lastError: `it's "broken" 🚀`,
      nextAttemptAt: 1_780_000_000_123,
      workflowRunId: "run-new",
    });
    expect(byId.get(takenOver)).toMatchObject({ status: "processing", attempts: 3, lastError: null });
    expect(await settleDeliveries([])).toEqual(new Set());
  });
});
