import "server-only";
import { RequestContext } from "@mastra/core/request-context";

const USER_ID = "userId";

/**
 * What travels with every tool call and workflow run: who is acting, never a credential. Tools
 * ask the connection store for a live token at call time, so no token reaches run history,
 * stored snapshots, or a model's context.
 */
export function requestContextFor(userId: string): RequestContext {
  const context = new RequestContext();
  context.set(USER_ID, userId);
  return context;
}

export function userIdFrom(context: { get: (key: string) => unknown } | undefined): string {
  const userId = context?.get(USER_ID);
  if (typeof userId !== "string" || !userId) throw new Error("This tool needs a signed-in user in its request context.");
  return userId;
}
