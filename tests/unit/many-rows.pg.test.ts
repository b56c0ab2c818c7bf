import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, transaction } from "@/db/client";
import { automationRuns, automationRunSteps } from "@/db/schema";
import { inJsonList, insertRows, updateRows, updateWhere } from "@/db/sql/many-rows";
import { createAutomation } from "@/lib/automations/store";
import { createUser } from "../support/helpers";

const RUN_KEYS = ["id", "automationId", "workspaceId", "version", "trigger", "status", "dryRun", "input", "createdAt"] as const;
const STEP_KEYS = ["runId", "position", "stepKey", "kind", "status", "reused", "output", "error", "startedAt"] as const;

async function anAutomation() {
  const owner = await createUser("many-rows");
  const automation = await createAutomation(owner, {
    name: "Many rows",
    definition: { trigger: { kind: "manual", fields: [] }, steps: [{ key: "check", kind: "condition", when: "true" }] },
  });
  return { owner, automation };
}

/** A manual run, queued, to hang steps on. */
function queuedRun(workspaceId: string, automationId: string, id: string) {
  return { id, automationId, workspaceId, version: 1, trigger: "manual" as const, status: "queued" as const, dryRun: false, createdAt: 1 };
}

/** db/sql/many-rows.ts: the multi-row statements of automation runs, without drizzle's builder. */
describe("insertRows, updateWhere, updateRows and inJsonList", () => {
  it("store every kind of value as drizzle reads it back: quotes, unicode, nested JSON, booleans, nulls, large numbers", async () => {
    const { owner, automation } = await anAutomation();
    const runId = crypto.randomUUID();
    const input = { text: `it's "quoted" \\ and 🚀`, nested: { list: [1, null, { deep: true }] }, empty: "" };
    await transaction(async () => {
      await insertRows(automationRuns, RUN_KEYS, [
        {
          id: runId,
          automationId: automation.id,
          workspaceId: owner.workspaceId,
          version: 1,
          trigger: "manual",
          status: "queued",
          dryRun: true,
          input,
          createdAt: 1_780_000_000_123,
        },
      ]);
      await insertRows(automationRunSteps, STEP_KEYS, [
        { runId: runId, position: 0, stepKey: "a", kind: "condition", status: "succeeded", reused: false, output: "a string", error: null, startedAt: 5 },
        {
          runId: runId,
          position: 1,
          stepKey: "b",
          kind: "tool",
          status: "failed",
          reused: true,
          output: null,
          error: "it's broken; drop table x",
          startedAt: null,
        },
        { runId: runId, position: 2, stepKey: "c", kind: "tool", status: "pending", reused: false },
      ]);
    });
    const [run] = await db().select().from(automationRuns).where(eq(automationRuns.id, runId));
    expect(run).toMatchObject({ dryRun: true, input, createdAt: 1_780_000_000_123, attempts: 0, status: "queued" });
    const steps = await db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).orderBy(asc(automationRunSteps.position));
    expect(steps.map(({ stepKey, reused, output, error, startedAt }) => ({ stepKey, reused, output, error, startedAt }))).toEqual([
      { stepKey: "a", reused: false, output: "a string", error: null, startedAt: 5 },
      { stepKey: "b", reused: true, output: null, error: "it's broken; drop table x", startedAt: null },
      { stepKey: "c", reused: false, output: null, error: null, startedAt: null },
    ]);
  });

  it("upserts with the caller's ON CONFLICT, writes more rows than one SQLite statement holds, and matches ids given as one list", async () => {
    const { owner, automation } = await anAutomation();
    const runId = crypto.randomUUID();
    const count = 2_600; // 9 columns each: more than one statement's share on SQLite
    await transaction(async () => {
      await insertRows(automationRuns, RUN_KEYS, [queuedRun(owner.workspaceId, automation.id, runId)]);
      await insertRows(
        automationRunSteps,
        STEP_KEYS,
        Array.from({ length: count }, (_, position) => ({
          runId: runId,
          position,
          stepKey: `s${position}`,
          kind: "condition",
          status: "pending",
          reused: false,
        })),
      );
      await insertRows(
        automationRunSteps,
        STEP_KEYS,
        [0, count - 1].map((position) => ({
          runId: runId,
          position,
          stepKey: "ignored",
          kind: "condition",
          status: "succeeded",
          reused: false,
          output: { position },
        })),
        "on conflict (run_id, position) do update set status = excluded.status, output = excluded.output",
      );
    });
    const steps = await db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).orderBy(asc(automationRunSteps.position));
    expect(steps).toHaveLength(count);
    expect(steps[0]).toMatchObject({ stepKey: "s0", status: "succeeded", output: { position: 0 } });
    expect(steps[count - 1]).toMatchObject({ stepKey: `s${count - 1}`, status: "succeeded", output: { position: count - 1 } });
    expect(steps.filter((step) => step.status === "pending")).toHaveLength(count - 2);

    const other = crypto.randomUUID();
    const found = await db()
      .select({ id: automationRuns.id })
      .from(automationRuns)
      .where(inJsonList(automationRuns.id, [runId, other, "'; drop table automation_runs; --"]));
    expect(found).toEqual([{ id: runId }]);
  });

  it("counts the rows it wrote, not those a conflict skipped", async () => {
    const { owner, automation } = await anAutomation();
    const run = (id: string) => queuedRun(owner.workspaceId, automation.id, id);
    const first = crypto.randomUUID();
    const counts = await transaction(async () => [
      await insertRows(automationRuns, RUN_KEYS, [run(first)]),
      await insertRows(automationRuns, RUN_KEYS, [run(first), run(crypto.randomUUID())], "on conflict do nothing"),
      await insertRows(automationRuns, RUN_KEYS, []),
    ]);
    expect(counts).toEqual([1, 1, 0]);
  });

  it("updates only the matching row, with values mapped as drizzle maps them, leaving keys not given, inside a transaction or on its own", async () => {
    const { owner, automation } = await anAutomation();
    const runId = crypto.randomUUID();
    await transaction(async () => {
      await insertRows(automationRuns, RUN_KEYS, [queuedRun(owner.workspaceId, automation.id, runId)]);
      await insertRows(
        automationRunSteps,
        STEP_KEYS,
        [0, 1].map((position) => ({ runId, position, stepKey: `s${position}`, kind: "tool", status: "pending", reused: false, error: "before" })),
      );
    });
    const output = { text: `it's "quoted" and 🚀`, list: [1, null, { deep: true }] };
    // On its own (no transaction), as a step's progress is written.
    const changed = await updateWhere(
      automationRunSteps,
      { status: "succeeded", reused: true, output, startedAt: 7, endedAt: undefined },
      { runId, position: 1 },
    );
    expect(changed).toBe(1);
    // Inside one, with a null; and a match that finds nothing changes nothing.
    const none = await transaction(async () => {
      await updateWhere(automationRunSteps, { error: null }, { runId, position: 1 });
      return updateWhere(automationRunSteps, { status: "failed" }, { runId, position: 99 });
    });
    expect(none).toBe(0);
    const steps = await db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).orderBy(asc(automationRunSteps.position));
    expect(steps.map(({ status, reused, output, error, startedAt, endedAt }) => ({ status, reused, output, error, startedAt, endedAt }))).toEqual([
      { status: "pending", reused: false, output: null, error: "before", startedAt: null, endedAt: null },
      { status: "succeeded", reused: true, output, error: null, startedAt: 7, endedAt: null },
    ]);
    await expect(updateWhere(automationRunSteps, { status: "failed" }, {})).rejects.toThrow("needs values and a match");
  });

  it("updates many rows at once, each with its own values and shape, as updateWhere would one by one", async () => {
    const { owner, automation } = await anAutomation();
    const runs = [crypto.randomUUID(), crypto.randomUUID()];
    await transaction(async () => {
      await insertRows(
        automationRuns,
        RUN_KEYS,
        runs.map((id) => queuedRun(owner.workspaceId, automation.id, id)),
      );
      await insertRows(
        automationRunSteps,
        STEP_KEYS,
        runs.flatMap((runId) =>
          [0, 1, 2].map((position) => ({ runId, position, stepKey: `s${position}`, kind: "tool", status: "pending", reused: false, error: "before" })),
        ),
      );
    });
    const nested = { text: `it's "quoted" and 🚀`, list: [1, null, { deep: true }] };
    await transaction(() =>
      updateRows(automationRunSteps, [
        // Three of one shape (one statement on PostgreSQL), with a JSON string, an object and a JSON null as outputs.
        { values: { status: "succeeded", output: "a string", startedAt: 5 }, match: { runId: runs[0], position: 0 } },
        { values: { status: "succeeded", output: nested, startedAt: 6 }, match: { runId: runs[1], position: 0 } },
        { values: { status: "failed", output: null, startedAt: 7 }, match: { runId: runs[0], position: 1 } },
        // Another shape: a key left undefined is not written; an explicit null is.
        { values: { status: "running", error: null, endedAt: undefined }, match: { runId: runs[1], position: 2 } },
        // A match that finds nothing changes nothing.
        { values: { status: "succeeded", output: 1, startedAt: 1 }, match: { runId: runs[1], position: 9 } },
      ]),
    );
    const steps = await db().select().from(automationRunSteps).where(inJsonList(automationRunSteps.runId, runs)).orderBy(asc(automationRunSteps.position));
    const of = (runId: string) =>
      steps.filter((step) => step.runId === runId).map(({ position, status, output, error, startedAt }) => ({ position, status, output, error, startedAt }));
    expect(of(runs[0]!)).toEqual([
      { position: 0, status: "succeeded", output: "a string", error: "before", startedAt: 5 },
      { position: 1, status: "failed", output: null, error: "before", startedAt: 7 },
      { position: 2, status: "pending", output: null, error: "before", startedAt: null },
    ]);
    expect(of(runs[1]!)).toEqual([
      { position: 0, status: "succeeded", output: nested, error: "before", startedAt: 6 },
      { position: 1, status: "pending", output: null, error: "before", startedAt: null },
      { position: 2, status: "running", output: null, error: null, startedAt: null },
    ]);
    // Changes with nothing to set are refused as updateWhere refuses one, however many there are.
    await expect(
      transaction(() =>
        updateRows(automationRunSteps, [
          { values: { status: undefined }, match: { runId: runs[0], position: 0 } },
          { values: {}, match: { runId: runs[1], position: 0 } },
        ]),
      ),
    ).rejects.toThrow("needs values and a match");
  });
});
