import "server-only";
import { env, log } from "@/lib/platform";
import { protectedResourceMetadataUrl } from "@/lib/mcp/auth/metadata";
import { authenticateToken, type TokenIdentity } from "@/lib/auth";

const messages = {
  missing: "Send an access token as Authorization: Bearer pbat_…",
  invalid: "The access token is not valid.",
  revoked: "The access token has been revoked.",
  expired: "The access token has expired.",
};

/**
 * The 401 an MCP client understands: the WWW-Authenticate challenge names the protected resource
 * metadata (RFC 9728), from which the client finds Patchbay's authorization server.
 */
function challenge(reason: keyof typeof messages): Response {
  const parts = [`Bearer resource_metadata="${protectedResourceMetadataUrl()}"`];
  if (reason !== "missing") parts.push(`error="invalid_token"`, `error_description="${messages[reason]}"`);
  return Response.json(
    { error: reason === "missing" ? "invalid_request" : "invalid_token", error_description: messages[reason] },
    { status: 401, headers: { "WWW-Authenticate": parts.join(", ") } },
  );
}

/**
 * Authenticates a request by its bearer token: the token's identity, or the response to send
 * (401 with a challenge, 429 over the token's rate limit). The token itself is never logged.
 */
export async function authenticateBearer(request: Request): Promise<{ identity: TokenIdentity } | { response: Response }> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer +(\S+)$/i);
  if (!match) return { response: challenge("missing") };
  const check = await authenticateToken(match[1]!, { perToken: env().MCP_RATE_LIMIT_PER_MINUTE, perPerson: env().MCP_RATE_LIMIT_PER_PERSON_PER_MINUTE });
  if (check.ok) return { identity: check.identity };
  if (check.reason === "rate_limited") {
    log.warn("access token over its rate limit", { limited: check.limited, retryAfterSeconds: check.retryAfterSeconds });
    const which = check.limited === "token" ? "this token" : "your tokens";
    return {
      response: Response.json(
        { error: "rate_limited", error_description: `Too many requests with ${which}; try again in ${check.retryAfterSeconds} s.` },
        { status: 429, headers: { "Retry-After": String(check.retryAfterSeconds) } },
      ),
    };
  }
  return { response: challenge(check.reason) };
}
