import "server-only";
import { desc, eq, and } from "drizzle-orm";
import { db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import type { Member } from "@/lib/auth/session";
import { listConnections, listSharedConnections } from "@/lib/connections/store";
import { workflowCatalog } from "@/lib/mastra";
import { listProviders } from "@/lib/providers";
import { builtInTools } from "@/lib/tools/built-in";
import { listImportedTools } from "@/lib/tools/openapi/imported-tool";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { currentTime } from "@/lib/platform/clock";
import type { EditorOptions } from "./editor";

/** What the editor offers: webhook sources and endpoints, tools and workflows, the person's and the workspace's connections, recent deliveries to preview with. */
export async function editorOptions(user: Member): Promise<EditorOptions> {
  const providers = listProviders();
  const tools = [...builtInTools, ...(await listImportedTools(user.workspaceId))];
  const own = await listConnections(user.userId);
  const shared = await listSharedConnections(user.workspaceId);
  const samples = await db()
    .select({
      id: webhookDeliveries.id,
      providerId: webhookDeliveries.providerId,
      event: webhookDeliveries.event,
      action: webhookDeliveries.action,
      receivedAt: webhookDeliveries.receivedAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, user.workspaceId), eq(webhookDeliveries.verified, true)))
    .orderBy(desc(webhookDeliveries.id))
    .limit(30);
  return {
    now: currentTime(),
    sources: providers.filter((provider) => provider.webhooks).map((provider) => ({ id: provider.id, name: provider.name })),
    endpoints: (await listEndpoints(user.workspaceId)).map((endpoint) => ({
      id: endpoint.id,
      providerId: endpoint.providerId,
      label: endpoint.description ? `${endpoint.description} (${endpoint.id})` : endpoint.id,
    })),
    tools: tools.map((entry) => ({ id: entry.tool.id, name: entry.tool.id, providers: entry.providerId ? [entry.providerId] : [] })),
    workflows: workflowCatalog.map((workflow) => ({ id: workflow.id, name: workflow.name })),
    connections: [
      ...own
        .filter((connection) => !connection.shared)
        .map((connection) => ({ id: connection.id, providerId: connection.providerId, label: `Mine: ${connection.accountLabel ?? connection.id}` })),
      ...shared.map((connection) => ({ id: connection.id, providerId: connection.providerId, label: `Shared: ${connection.accountLabel ?? connection.id}` })),
    ],
    samples,
  };
}
