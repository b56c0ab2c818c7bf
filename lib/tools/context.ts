import "server-only";
import { RequestContext } from "@mastra/core/request-context";
import type { Actor } from "@/lib/platform";

const USER_ID = "userId";
const WORKSPACE_ID = "workspaceId";

/**
 * What travels with every tool call and workflow run: who is acting, never a credential. Tools
 * ask the connection store for a live token at call time, so no token reaches run history,
 * stored snapshots, or a model's context.
 */
export function requestContextFor({ userId, workspaceId }: Actor): RequestContext {
  const context = new RequestContext();
  context.set(USER_ID, userId);
  context.set(WORKSPACE_ID, workspaceId);
  return context;
}

/** The workspace a run belongs to (its imported tools, its shared connections). */
export function workspaceIdFrom(context: { get: (key: string) => unknown } | undefined): string {
  const workspaceId = context?.get(WORKSPACE_ID);
  if (typeof workspaceId !== "string" || !workspaceId) throw new Error("This tool needs a workspace in its request context.");
  return workspaceId;
}

export function userIdFrom(context: { get: (key: string) => unknown } | undefined): string {
  const userId = context?.get(USER_ID);
  if (typeof userId !== "string" || !userId) throw new Error("This tool needs a signed-in user in its request context.");
  return userId;
}
