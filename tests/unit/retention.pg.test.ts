import { statSync } from "node:fs";
import { count, eq, sql } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import * as endpointRoute from "@/app/api/webhooks/[provider]/[endpointId]/route";
import { db, usingPostgres } from "@/db/client";
import { outboundMessages, toolRuns, webhookDeliveries, workflowRuns, workflowRunSteps } from "@/db/schema";
import { env, resetEnvCache } from "@/lib/platform/env";
import { reclaimSpace } from "@/db/sql/reclaim-space";
import { applyRetention } from "@/lib/server/retention";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { requestReplay } from "@/lib/webhooks/dispatcher";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createUser, type TestUser } from "../support/helpers";
import { githubHeaders, pushPayload } from "../support/signers";

const DAY = 24 * 60 * 60 * 1000;
let user: TestUser;
let sequence = 0;

beforeAll(async () => {
  user = await createUser("retention");
  resetEnvCache();
});

async function oldDelivery(
  ageDays: number,
  status: "processed" | "failed" | "received" | "rejected" = "processed",
  body = pushPayload({ commits: 20 }),
): Promise<number> {
  sequence++;
  const receivedAt = Date.now() - ageDays * DAY;
  return (await insertAccepted({
    workspaceId: user.workspaceId,
    providerId: "github",
    dedupeKey: `retention:${sequence}`,
    deliveryId: `r-${sequence}`,
    event: "push",
    receivedAt,
    headers: { "content-type": "application/json", "x-github-event": "push" },
    body,
    bodyBytes: body.length,
    verified: true,
    status,
    nextAttemptAt: status === "received" ? receivedAt : null,
  }))!;
}

const row = async (id: number) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;

describe("retention", () => {
  it("drops bodies and headers of finished deliveries past the cut-off and keeps their rows, status and dedupe key", async () => {
    const old = await oldDelivery(40);
    const oldFailed = await oldDelivery(40, "failed");
    const pending = await oldDelivery(40, "received");
    const recent = await oldDelivery(2);
    const result = await applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0 });
    expect(result.deliveries).toBeGreaterThanOrEqual(2);

    for (const id of [old, oldFailed]) {
      expect(await row(id)).toMatchObject({ body: "", headers: {}, trimmedAt: expect.any(Number), dedupeKey: expect.stringMatching(/^retention:/) });
    }
    expect((await row(old)).status).toBe("processed");
    expect((await row(oldFailed)).status).toBe("failed");
    expect((await row(pending)).trimmedAt).toBeNull(); // still to be processed: it keeps its body
    expect((await row(recent)).body).not.toBe("");

    // A late redelivery of the trimmed delivery is still recognised as a duplicate.
    const again = await row(old);
    expect(await insertAccepted({ ...again, id: undefined, body: "{}", status: "received" })).toBeUndefined();
    // And there is nothing left to replay.
    expect(await requestReplay(user.workspaceId, [old])).toBe(0);
  });

  it("keeps the body of a delivery a forward still has to send", async () => {
    const id = await oldDelivery(40);
    const now = Date.now();
    await db()
      .insert(outboundMessages)
      .values({
        id: crypto.randomUUID(),
        workspaceId: user.workspaceId,
        kind: "forward",
        deliveryId: id,
        status: "pending",
        createdAt: now,
        nextAttemptAt: now + DAY,
      });
    await applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0 });
    expect((await row(id)).trimmedAt).toBeNull();
  });

  it("drops inputs and outputs of old finished runs and keeps the runs", async () => {
    const startedAt = Date.now() - 100 * DAY;
    const [tool] = await db()
      .insert(toolRuns)
      .values({
        userId: user.id,
        workspaceId: user.workspaceId,
        toolId: "github-create-issue",
        input: { title: "secret plans" },
        output: { number: 1 },
        status: "succeeded",
        startedAt,
      })
      .returning();
    const [running] = await db()
      .insert(toolRuns)
      .values({ userId: user.id, workspaceId: user.workspaceId, toolId: "github-create-issue", input: { title: "still going" }, status: "running", startedAt })
      .returning();
    await db()
      .insert(workflowRuns)
      .values({
        id: `wr-${sequence}`,
        userId: user.id,
        workspaceId: user.workspaceId,
        workflowId: "project-setup",
        trigger: "manual",
        input: { name: "x" },
        output: { ok: true },
        status: "success",
        startedAt,
      });
    await db()
      .insert(workflowRunSteps)
      .values({ runId: `wr-${sequence}`, stepId: "a", position: 0, status: "success", input: { name: "x" }, output: { id: 1 } });

    const result = await applyRetention({ webhookDays: 0, runDays: 90, pauseMs: 0 });
    expect(result).toMatchObject({ toolRuns: 1, workflowRuns: 1 });
    expect((await db().select().from(toolRuns).where(eq(toolRuns.id, tool!.id)))[0]).toMatchObject({
      input: null,
      output: null,
      status: "succeeded",
      trimmedAt: expect.any(Number),
    });
    expect((await db().select().from(toolRuns).where(eq(toolRuns.id, running!.id)))[0]!.input).toEqual({ title: "still going" });
    expect(
      (
        await db()
          .select()
          .from(workflowRunSteps)
          .where(eq(workflowRunSteps.runId, `wr-${sequence}`))
      )[0],
    ).toMatchObject({ input: null, output: null, status: "success" });
  });

  // SQLite's incremental vacuum and file size; PostgreSQL's autovacuum reuses the space instead (reclaimSpace returns 0 there).
  it.skipIf(usingPostgres())("returns freed pages to the file system (new databases use incremental auto-vacuum)", async () => {
    expect(db().$client.pragma("auto_vacuum", { simple: true })).toBe(2);
    const big = JSON.stringify({ padding: "x".repeat(64 * 1024) });
    for (let index = 0; index < 100; index++) await oldDelivery(50, "processed", big);
    db().$client.pragma("wal_checkpoint(TRUNCATE)");
    const before = statSync(env().DATABASE_PATH).size;
    const result = await applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0, batchRows: 25 });
    db().$client.pragma("wal_checkpoint(TRUNCATE)");
    expect(result.pagesFreed).toBeGreaterThan(1000);
    expect(statSync(env().DATABASE_PATH).size).toBeLessThan(before - 4 * 1024 * 1024);
  });

  // An FTS5 setting; PostgreSQL's search index is a trigram GIN index (db/migrations-pg/0001).
  it.skipIf(usingPostgres())("never makes the search index rewrite a whole segment for its deletions (FTS5 deletemerge 0)", () => {
    // The 1M-row bench showed batches stalling intake for seconds while FTS5 rewrote segments of hundreds of MB.
    const config = db().$client.prepare("select v from webhook_delivery_search_config where k = 'deletemerge'").get() as { v: number } | undefined;
    expect(config?.v).toBe(0);
  });

  it.runIf(usingPostgres())("frees no pages itself on PostgreSQL: autovacuum reuses the space", async () => {
    await oldDelivery(50, "processed");
    expect(await applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0 })).toMatchObject({ deliveries: 1, pagesFreed: 0 });
    expect(await reclaimSpace()).toBe(0);
  });

  it.runIf(usingPostgres())("leaves alone a delivery another process replays while a batch runs", async () => {
    await applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0 }); // nothing else left to trim
    const id = await oldDelivery(50, "processed");
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("update webhook_deliveries set status = 'received', replay_requested = true, next_attempt_at = $2 where id = $1", [id, Date.now()]);
      const running = applyRetention({ webhookDays: 30, runDays: 0, pauseMs: 0 }); // selects it, then waits for its row lock
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query("commit");
      expect((await running).deliveries).toBe(0);
    } finally {
      await other.end();
    }
    expect(await row(id)).toMatchObject({ status: "received", trimmedAt: null, body: pushPayload({ commits: 20 }) });
  });

  it("runs while intake is under load, and every accepted delivery is stored", async () => {
    for (let index = 0; index < 2000; index++) await oldDelivery(60);
    process.env.GITHUB_WEBHOOK_SECRET = "retention-secret";
    resetEnvCache();
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const ids: string[] = [];
    const send = async () => {
      const body = pushPayload();
      const delivery = crypto.randomUUID();
      const headers = await githubHeaders(secret, body, "push", delivery);
      const response = await endpointRoute.POST(new Request(`http://localhost/api/webhooks/github/${endpoint.id}`, { method: "POST", body, headers }), {
        params: Promise.resolve({ provider: "github", endpointId: endpoint.id }),
      });
      expect(response.status).toBe(202);
      ids.push(delivery);
    };
    const intake = (async () => {
      for (let round = 0; round < 30; round++) await Promise.all(Array.from({ length: 10 }, send));
    })();
    const [result] = await Promise.all([applyRetention({ webhookDays: 30, runDays: 0, batchRows: 200, pauseMs: 1 }), intake]);
    expect(result.deliveries).toBeGreaterThanOrEqual(2000);
    expect(ids).toHaveLength(300);
    const [stored] = await db()
      .select({ count: count() })
      .from(webhookDeliveries)
      .where(sql`${webhookDeliveries.endpointId} = ${endpoint.id} and ${webhookDeliveries.trimmedAt} is null`);
    expect(stored!.count).toBe(300);
  }, 120_000);
});
