import { actorOf, audit } from "@/lib/auth/audit";
import { withUser } from "@/lib/auth/session";
import { ConnectionError } from "@/lib/connections/errors";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { completeAuthorization, OAuthFlowError } from "@/lib/connections/oauth/flow";
import { safeReturnPath } from "@/lib/platform/safe-redirect";
import { ApiError } from "@/lib/platform/errors";

type Context = { params: Promise<{ provider: string }> };

/** The provider's redirect back. Success or failure, the person lands on a page with a clear banner. */
export const GET = withUser<Context>(
  async (request, { params }, user) => {
    const { provider } = await params;
    const appUrl = env().APP_URL;
    // Rebuild the URL on APP_URL so the state check compares what the provider saw.
    const incoming = new URL(request.url);
    const current = new URL(`/api/connections/${encodeURIComponent(provider)}/callback${incoming.search}`, appUrl);
    try {
      const { connection, returnTo } = await completeAuthorization(user.id, provider, current);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "connection_created",
        target: `${provider}: ${connection.accountLabel ?? connection.accountId}`,
        detail: { shared: connection.workspaceId !== null },
      });
      const target = new URL(safeReturnPath(returnTo, "/connections"), appUrl);
      target.searchParams.set("connected", connection.id);
      return Response.redirect(target, 302);
    } catch (error) {
      if (error instanceof ConnectionError) {
        // Raised below the flow (the provider's configuration changed mid-flight, ...): a banner, not a 500.
        log.warn("connection refused", { provider, failure: error.code });
        const target = new URL("/connections", appUrl);
        target.searchParams.set("error", error.code);
        target.searchParams.set("provider", provider);
        return Response.redirect(target, 302);
      }
      if (!(error instanceof OAuthFlowError)) throw error;
      if (error.failure === "unknown_provider") {
        throw new ApiError("unknown_provider", error.message);
      }
      log.warn("connection refused", { provider, failure: error.failure, detail: error.detail });
      const target = new URL(safeReturnPath(error.returnTo, "/connections"), appUrl);
      target.searchParams.set("error", error.failure);
      target.searchParams.set("provider", provider);
      if (error.detail && /^[\w.-]{1,60}$/.test(error.detail)) target.searchParams.set("detail", error.detail);
      return Response.redirect(target, 302);
    }
  },
  { role: "member" },
);
