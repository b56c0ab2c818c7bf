import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { createAccessToken } from "@/lib/auth";
import { consumeCode, isOurResource } from "./authorization";
import { findClient } from "./clients";

/** Tokens issued to OAuth clients last 30 days; the client signs the person in again after that. */
export const OAUTH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

const tokenRequestSchema = z.object({
  grant_type: z.string(),
  code: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(2000),
  client_id: z.string().min(1).max(200),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, { message: "must be 43 to 128 unreserved characters (RFC 7636)" }),
  resource: z.string().optional(),
});

export type TokenResult =
  | { ok: true; body: { access_token: string; token_type: "Bearer"; expires_in: number; scope: string } }
  | { ok: false; status: 400 | 401; error: string; description: string };

function fail(error: string, description: string, status: 400 | 401 = 400): TokenResult {
  return { ok: false, status, error, description };
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/**
 * The token endpoint's authorization_code grant (OAuth 2.1): the code is consumed first, so it
 * works once even when the rest of the request is wrong; then the client, the redirect URI and the
 * PKCE verifier must all match what the code was issued for.
 */
export async function exchangeCode(form: URLSearchParams, now = Date.now()): Promise<TokenResult> {
  const grantType = form.get("grant_type");
  if (grantType !== "authorization_code") return fail("unsupported_grant_type", "Patchbay issues tokens only for grant_type authorization_code.");
  const parsed = tokenRequestSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail("invalid_request", `${issue.path.join(".")}: ${issue.message}`);
  }
  const request = parsed.data;
  const client = await findClient(request.client_id);
  if (!client) return fail("invalid_client", "Unknown client_id.", 401);
  const code = await consumeCode(request.code, now);
  if (!code || code.clientId !== client.id) return fail("invalid_grant", "The authorization code is invalid, expired or already used.");
  if (code.redirectUri !== request.redirect_uri) return fail("invalid_grant", "redirect_uri does not match the authorization request.");
  if (s256(request.code_verifier) !== code.codeChallenge)
    return fail("invalid_grant", "PKCE verification failed: code_verifier does not match code_challenge.");
  if (request.resource !== undefined && !isOurResource(request.resource)) return fail("invalid_target", "Patchbay issues tokens only for its MCP endpoint.");
  const { token } = await createAccessToken(
    { userId: code.userId, workspaceId: code.workspaceId },
    {
      name: client.name,
      scope: code.scope,
      clientId: client.id,
      expiresAt: new Date(now + OAUTH_TOKEN_LIFETIME_SECONDS * 1000),
    },
  );
  return {
    ok: true,
    body: { access_token: token, token_type: "Bearer", expires_in: OAUTH_TOKEN_LIFETIME_SECONDS, scope: code.scope === "write" ? "read write" : "read" },
  };
}
