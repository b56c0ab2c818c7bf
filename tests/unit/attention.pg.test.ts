import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connections, toolRuns, webhookDeliveries, workflowRuns, type DeliveryStatus } from "@/db/schema";
import { attentionFor } from "@/lib/webhooks/attention";
import { upsertOAuthConnection } from "@/lib/connections/store";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { changeIssue, issueCounts, raiseAlert } from "@/lib/outbox/alerts";
import { createUser } from "../support/helpers";

const NOW = Date.UTC(2026, 10, 24, 12, 0);
const HOUR = 3_600_000;
let user: Awaited<ReturnType<typeof createUser>>;
let other: Awaited<ReturnType<typeof createUser>>;

async function delivery(status: DeliveryStatus, at: number, endpointId: string | null = null, workspaceId = user.workspaceId) {
  await db()
    .insert(webhookDeliveries)
    .values({
      workspaceId,
      endpointId,
      providerId: "github",
      dedupeKey: crypto.randomUUID(),
      receivedAt: at,
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: status !== "rejected",
      status,
    });
}

beforeAll(async () => {
  // Two teams: each person works in a workspace of their own.
  user = await createUser("attention", "owner");
  other = await createUser("attention-other");
});

describe("what needs attention", () => {
  it("is all zero for someone with nothing going on", async () => {
    expect(await attentionFor(user, NOW)).toEqual({
      deliveries: { received: 0, failed: 0, retrying: 0, rejected: 0 },
      runsFailed: { tools: 0, workflows: 0, automations: 0 },
      connections: [],
      endpoints: [],
      issues: { open: 0, endpointsFailing: 0 },
      started: { connection: false, delivery: false, run: false },
    });
  });

  it("counts the last 24 hours' deliveries and failures, failed runs, broken connections and failing endpoints, only the user's own", async () => {
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "CI hooks", events: [] });
    const { endpoint: healthy } = await createEndpoint(user, { providerId: "github", description: "quiet", events: [] });
    await delivery("processed", NOW - HOUR, healthy.id);
    await delivery("failed", NOW - 2 * HOUR, endpoint.id);
    await delivery("retrying", NOW - 3 * HOUR, endpoint.id);
    await delivery("rejected", NOW - 4 * HOUR);
    await delivery("failed", NOW - 30 * HOUR, healthy.id); // older than a day
    await delivery("failed", NOW - HOUR, null, other.workspaceId);
    await db()
      .insert(toolRuns)
      .values({ userId: user.id, workspaceId: user.workspaceId, toolId: "github-create-issue", input: {}, status: "failed", startedAt: NOW - HOUR });
    await db()
      .insert(toolRuns)
      .values({ userId: user.id, workspaceId: user.workspaceId, toolId: "github-create-issue", input: {}, status: "succeeded", startedAt: NOW - HOUR });
    await db()
      .insert(workflowRuns)
      .values({
        id: crypto.randomUUID(),
        userId: user.id,
        workspaceId: user.workspaceId,
        workflowId: "project-setup",
        trigger: "manual",
        input: {},
        status: "failed",
        startedAt: NOW - 2 * HOUR,
      });
    await db()
      .insert(toolRuns)
      .values({ userId: other.id, workspaceId: other.workspaceId, toolId: "x", input: {}, status: "failed", startedAt: NOW - HOUR });
    const slack = await upsertOAuthConnection(user.id, "slack", { id: "U1", label: "Acme", avatar: null }, { accessToken: "xoxb-test", scopes: "chat:write" });
    await db().update(connections).set({ status: "needs_reconnect" }).where(eq(connections.id, slack.id));

    expect(await attentionFor(user, NOW)).toEqual({
      deliveries: { received: 4, failed: 1, retrying: 1, rejected: 1 },
      runsFailed: { tools: 1, workflows: 1, automations: 0 },
      connections: [{ providerId: "slack", name: "Slack", status: "needs_reconnect" }],
      endpoints: [{ id: endpoint.id, label: "GitHub: CI hooks", failing: 2 }],
      issues: { open: 0, endpointsFailing: 0 },
      started: { connection: true, delivery: true, run: true },
    });
  });

  it("counts open issues as the Alerts page does: an endpoint issue counts while open, not once resolved or muted", async () => {
    const team = await createUser("attention-issues", "owner");
    const failing = { kind: "endpoint_failing" as const, subject: "endpoint:github/x", title: "Deliveries keep failing", link: "/webhooks" };
    const { id } = (await raiseAlert(team.workspaceId, failing, NOW - HOUR))!;
    await raiseAlert(team.workspaceId, { kind: "token_refresh_failed", subject: "connection:c", title: "Refresh failed", link: "/connections" }, NOW - HOUR);
    expect((await attentionFor(team, NOW)).issues).toEqual({ open: 2, endpointsFailing: 1 });
    expect(await issueCounts(team.workspaceId, NOW)).toMatchObject({ open: 2 });
    await changeIssue(team.workspaceId, id, { to: "muted", hours: 1 }, NOW);
    expect((await attentionFor(team, NOW)).issues).toEqual({ open: 1, endpointsFailing: 0 });
  });
});
