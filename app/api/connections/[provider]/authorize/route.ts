import { requireRole, withUser } from "@/lib/auth/session";
import { env } from "@/lib/platform/env";
import { beginAuthorization, OAuthFlowError } from "@/lib/connections/oauth/flow";
import { ApiError } from "@/lib/platform/errors";

type Context = { params: Promise<{ provider: string }> };

/** Starts "Connect <provider>": stores a single-use state and PKCE verifier, then redirects to the provider. */
export const GET = withUser<Context>(
  async (request, { params }, user) => {
    const { provider } = await params;
    try {
      const search = new URL(request.url).searchParams;
      // ?shared=1: an admin connects an account the whole workspace may use (a bot or service account).
      const shared = search.get("shared") === "1";
      if (shared) requireRole(user, "admin");
      const url = await beginAuthorization(user.id, provider, search.get("returnTo"), undefined, shared ? { sharedIn: user.workspaceId } : {});
      return Response.redirect(url, 302);
    } catch (error) {
      if (!(error instanceof OAuthFlowError)) throw error;
      if (error.failure === "unknown_provider") {
        throw new ApiError("unknown_provider", error.message);
      }
      const back = new URL("/connections", env().APP_URL);
      back.searchParams.set("error", error.failure);
      back.searchParams.set("provider", provider);
      return Response.redirect(back, 302);
    }
  },
  { role: "member" },
);
