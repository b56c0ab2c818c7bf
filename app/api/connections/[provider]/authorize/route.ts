import { withUser } from "@/lib/auth/session";
import { env } from "@/lib/platform/env";
import { beginAuthorization, OAuthFlowError } from "@/lib/connections/oauth/flow";
import { ApiError } from "@/lib/platform/errors";

type Context = { params: Promise<{ provider: string }> };

/** Starts "Connect <provider>": stores a single-use state and PKCE verifier, then redirects to the provider. */
export const GET = withUser<Context>(async (request, { params }, user) => {
  const { provider } = await params;
  try {
    const url = await beginAuthorization(user.id, provider, new URL(request.url).searchParams.get("returnTo"));
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
});
