import "server-only";
import { and, count, eq, gte, ne } from "drizzle-orm";
import { db } from "@/db/client";
import { automationRuns, toolRuns, webhookDeliveries, workflowRuns } from "@/db/schema";
import { briefStatus, providerCards } from "@/lib/connections";
import { issueCounts, openIssueCountOf } from "@/lib/outbox";
import type { Actor } from "@/lib/platform";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { deliveryHealth, failingEndpoints, type DeliveryHealth } from "@/lib/webhooks/queries";

export const ATTENTION_WINDOW_MS = 24 * 3_600_000;

export type Attention = {
  deliveries: DeliveryHealth;
  /** Runs as the Runs list counts them: an automation run once whatever its attempts, a workflow it started inside it. */
  runsFailed: { tools: number; workflows: number; automations: number };
  connections: { providerId: string; name: string; status: "needs_reconnect" | "error" }[];
  endpoints: { id: string; label: string; failing: number }[];
  /** Open issues (as the Alerts page counts them), and those of them about an endpoint that keeps failing. */
  issues: { open: number; endpointsFailing: number };
  /** What a newcomer has done yet: connected a service, received a delivery, run something. */
  started: { connection: boolean; delivery: boolean; run: boolean };
};

async function anyRow(query: Promise<unknown[]>): Promise<boolean> {
  return (await query).length > 0;
}

async function startedSoFar(workspaceId: string, connected: boolean): Promise<Attention["started"]> {
  const delivery = await anyRow(
    db().select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.workspaceId, workspaceId)).limit(1),
  );
  const run =
    (await anyRow(db().select({ id: toolRuns.id }).from(toolRuns).where(eq(toolRuns.workspaceId, workspaceId)).limit(1))) ||
    (await anyRow(db().select({ id: workflowRuns.id }).from(workflowRuns).where(eq(workflowRuns.workspaceId, workspaceId)).limit(1))) ||
    (await anyRow(db().select({ id: automationRuns.id }).from(automationRuns).where(eq(automationRuns.workspaceId, workspaceId)).limit(1)));
  return { connection: connected, delivery, run };
}

async function failedRuns(workspaceId: string, since: number): Promise<Attention["runsFailed"]> {
  const [tools] = await db()
    .select({ n: count() })
    .from(toolRuns)
    .where(and(eq(toolRuns.workspaceId, workspaceId), eq(toolRuns.status, "failed"), gte(toolRuns.startedAt, since)));
  const [workflows] = await db()
    .select({ n: count() })
    .from(workflowRuns)
    .where(
      and(
        eq(workflowRuns.workspaceId, workspaceId),
        eq(workflowRuns.status, "failed"),
        gte(workflowRuns.startedAt, since),
        ne(workflowRuns.trigger, "automation"),
      ),
    );
  const [automations] = await db()
    .select({ n: count() })
    .from(automationRuns)
    .where(and(eq(automationRuns.workspaceId, workspaceId), eq(automationRuns.status, "failed"), gte(automationRuns.createdAt, since)));
  return { tools: tools!.n, workflows: workflows!.n, automations: automations!.n };
}

/** What needs this person's attention over the last 24 hours: the overview's figures. */
export async function attentionFor({ userId, workspaceId }: Actor, now = Date.now()): Promise<Attention> {
  const since = now - ATTENTION_WINDOW_MS;
  const cards = await providerCards(userId);
  // Any connection made counts, a broken one too: the checklist is about first steps, the figures about health.
  const connected = cards.some((card) => !["not_connected", "not_configured"].includes(briefStatus(card)));
  const connections = cards.flatMap((card) => {
    const status = briefStatus(card);
    return status === "needs_reconnect" || status === "error" ? [{ providerId: card.id, name: card.name, status }] : [];
  });
  const failing = new Map((await failingEndpoints(workspaceId, since)).map((row) => [row.endpointId, row.failing]));
  const endpoints = (await listEndpoints(workspaceId))
    .filter((endpoint) => failing.has(endpoint.id))
    .map((endpoint) => ({
      id: endpoint.id,
      label: `${endpoint.providerName}${endpoint.description ? `: ${endpoint.description}` : ""}`,
      failing: failing.get(endpoint.id)!,
    }));
  return {
    deliveries: await deliveryHealth(workspaceId, since),
    runsFailed: await failedRuns(workspaceId, since),
    connections,
    endpoints,
    issues: { open: (await issueCounts(workspaceId, now)).open, endpointsFailing: await openIssueCountOf(workspaceId, "endpoint_failing", now) },
    started: await startedSoFar(workspaceId, connected),
  };
}
