import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { db } from "@/db/client";
import { oauthAuthorizationCodes, type AccessTokenScope } from "@/db/schema";
import { env } from "@/lib/env";
import { findClient, type OAuthClient } from "./clients";
import { mcpResourceUrl } from "./metadata";

const CODE_LIFETIME_MS = 5 * 60 * 1000;

/** A checked authorization request: everything the consent page shows and the code is bound to. */
export type AuthorizationRequest = {
  client: OAuthClient;
  redirectUri: string;
  codeChallenge: string;
  scope: AccessTokenScope;
  state?: string;
  resource?: string;
};

export type AuthorizationCheck =
  | { kind: "ok"; request: AuthorizationRequest }
  /** Told to the person, never redirected: the client or its redirect URI cannot be trusted. */
  | { kind: "refuse"; message: string }
  /** Sent back to the client's redirect URI as an OAuth error. */
  | { kind: "redirect"; location: string };

export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** RFC 8707: a token is for the MCP endpoint (or the whole of Patchbay), never another resource. */
export function isOurResource(value: string): boolean {
  const trimmed = value.replace(/\/+$/, "");
  return trimmed === mcpResourceUrl() || trimmed === env().APP_URL;
}

/** "read", "write" or both; write includes read. Unknown scopes are refused. */
function parseScope(value: string | undefined): AccessTokenScope | undefined {
  const scopes = (value ?? "").split(" ").filter(Boolean);
  if (scopes.some((scope) => scope !== "read" && scope !== "write")) return undefined;
  return scopes.includes("write") ? "write" : "read";
}

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  url.searchParams.set("iss", env().APP_URL);
  return url.toString();
}

/**
 * Checks an authorization request (OAuth 2.1 with PKCE). An unknown client or a redirect URI it
 * did not register is refused on the page; anything else wrong goes back to the client as an error.
 */
export async function checkAuthorizationRequest(params: URLSearchParams): Promise<AuthorizationCheck> {
  const clientId = params.get("client_id");
  const client = clientId ? await findClient(clientId) : undefined;
  if (!client) return { kind: "refuse", message: "This application is not registered with Patchbay (unknown client_id)." };
  const requested = params.get("redirect_uri");
  const redirectUri = requested ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri) return { kind: "refuse", message: "The request names no redirect_uri, and the application registered more than one." };
  if (!client.redirectUris.includes(redirectUri)) {
    return { kind: "refuse", message: `${client.name} asked to be sent to ${redirectUri}, which it did not register. Patchbay will not send an authorization there.` };
  }
  const state = params.get("state") ?? undefined;
  const fail = (error: string, description: string): AuthorizationCheck => ({
    kind: "redirect",
    location: redirectWith(redirectUri, { error, error_description: description, state }),
  });
  if (params.get("response_type") !== "code") return fail("unsupported_response_type", 'Only response_type "code" is supported.');
  const codeChallenge = params.get("code_challenge");
  if (!codeChallenge) return fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method S256.");
  if (params.get("code_challenge_method") !== "S256") return fail("invalid_request", "Only the S256 code_challenge_method is supported.");
  if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier.");
  const scope = parseScope(params.get("scope") ?? undefined);
  if (!scope) return fail("invalid_scope", 'Scopes are "read" and "write".');
  const resource = params.get("resource") ?? undefined;
  if (resource !== undefined && !isOurResource(resource)) return fail("invalid_target", `Patchbay issues tokens only for ${mcpResourceUrl()}.`);
  return { kind: "ok", request: { client, redirectUri, codeChallenge, scope, state, resource } };
}

/** The person approved: a single-use code bound to them, the client, the redirect URI and the challenge. */
export async function approveAuthorization(userId: string, request: AuthorizationRequest, grantedScope: AccessTokenScope, now = Date.now()): Promise<string> {
  const code = randomBytes(32).toString("base64url");
  await db().delete(oauthAuthorizationCodes).where(lt(oauthAuthorizationCodes.expiresAt, new Date(now)));
  await db()
    .insert(oauthAuthorizationCodes)
    .values({
      codeHash: hashSecret(code),
      clientId: request.client.id,
      userId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: grantedScope === "write" && request.scope === "write" ? "write" : "read",
      resource: request.resource,
      expiresAt: new Date(now + CODE_LIFETIME_MS),
    });
  return redirectWith(request.redirectUri, { code, state: request.state });
}

export function denyAuthorization(request: AuthorizationRequest): string {
  return redirectWith(request.redirectUri, { error: "access_denied", error_description: "The person declined.", state: request.state });
}

export type StoredCode = typeof oauthAuthorizationCodes.$inferSelect;

/** Takes a code out of the table: it works once, whatever happens next. */
export async function consumeCode(code: string, now = Date.now()): Promise<StoredCode | undefined> {
  const [row] = await db()
    .delete(oauthAuthorizationCodes)
    .where(eq(oauthAuthorizationCodes.codeHash, hashSecret(code)))
    .returning();
  return row && row.expiresAt.getTime() > now ? row : undefined;
}
