import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { db } from "@/db/client";
import { oauthAuthorizationCodes, type AccessTokenScope } from "@/db/schema";
import { type Actor, env } from "@/lib/platform";
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
  /**
   * Shown to the person on Patchbay's own page, never redirected to the client (RFC 9700 §4.11.2):
   * anyone can register a client with any redirect URI, so an error sent there would make
   * /oauth/authorize an open redirector. `error` is the OAuth error code, for the developer.
   */
  | { kind: "error"; error: string; message: string };

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

/** A value from the request, shortened for a message. */
function quoted(value: string): string {
  return `“${value.length > 200 ? `${value.slice(0, 200)}…` : value}”`;
}

/**
 * Checks an authorization request (OAuth 2.1 with PKCE). The redirect URI must be one the client
 * registered, compared exactly (registration stored it in canonical form). Whatever is wrong is
 * answered as an error for Patchbay's page; the client hears back only after the person decides.
 */
export async function checkAuthorizationRequest(params: URLSearchParams): Promise<AuthorizationCheck> {
  const fail = (error: string, message: string): AuthorizationCheck => ({ kind: "error", error, message });
  const clientId = params.get("client_id");
  const client = clientId ? await findClient(clientId) : undefined;
  if (!client) return fail("invalid_request", "This application is not registered with Patchbay (unknown client_id).");
  const requested = params.get("redirect_uri");
  const redirectUri = requested ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri) return fail("invalid_request", "The request names no redirect_uri, and the application registered more than one.");
  if (!client.redirectUris.includes(redirectUri)) {
    return fail(
      "invalid_request",
      `${client.name} asked to be sent to ${quoted(redirectUri)}, which it did not register. Patchbay will not send an authorization there.`,
    );
  }
  const responseType = params.get("response_type");
  if (responseType !== "code") {
    return fail(
      "unsupported_response_type",
      `Only response_type code is supported; this request ${responseType === null ? "names none" : `asked for ${quoted(responseType)}`}.`,
    );
  }
  const codeChallenge = params.get("code_challenge");
  if (!codeChallenge) return fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method S256.");
  if (params.get("code_challenge_method") !== "S256") return fail("invalid_request", "Only the S256 code_challenge_method is supported.");
  if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier.");
  const scope = parseScope(params.get("scope") ?? undefined);
  if (!scope) return fail("invalid_scope", `Scopes are read and write; this request asked for ${quoted(params.get("scope") ?? "")}.`);
  const resource = params.get("resource") ?? undefined;
  if (resource !== undefined && !isOurResource(resource)) return fail("invalid_target", `Patchbay issues tokens only for ${mcpResourceUrl()}.`);
  const state = params.get("state") ?? undefined;
  return { kind: "ok", request: { client, redirectUri, codeChallenge, scope, state, resource } };
}

/** The person approved: a single-use code bound to them, the client, the redirect URI and the challenge. */
export async function approveAuthorization(
  { userId, workspaceId }: Actor,
  request: AuthorizationRequest,
  grantedScope: AccessTokenScope,
  now = Date.now(),
): Promise<string> {
  const code = randomBytes(32).toString("base64url");
  await db()
    .delete(oauthAuthorizationCodes)
    .where(lt(oauthAuthorizationCodes.expiresAt, new Date(now)));
  await db()
    .insert(oauthAuthorizationCodes)
    .values({
      codeHash: hashSecret(code),
      clientId: request.client.id,
      userId,
      workspaceId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: grantedScope === "write" && request.scope === "write" ? "write" : "read",
      resource: request.resource,
      expiresAt: new Date(now + CODE_LIFETIME_MS),
    });
  return redirectWith(request.redirectUri, { code, state: request.state });
}

/**
 * The person declined on the consent page: the client hears access_denied (RFC 6749 §4.1.2.1).
 * This is the one error sent to the client, and only after the person saw who asks and chose.
 */
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
