import "server-only";
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import { db } from "@/db/client";
import { oauthStates } from "@/db/schema";
import { atLeast, roleIn } from "@/lib/auth";
import { discoverConnectionValues, templateValues } from "@/lib/connections/connection-values";
import { upsertOAuthConnection, type Account, type ConnectionRow, type ConnectionValues } from "@/lib/connections/store";
import { providerRequest, readPath } from "@/lib/connections/provider-request";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { callbackUrl, getProvider, type Provider } from "@/lib/providers";
import { safeReturnPath } from "@/lib/platform";
import { describeOAuthFailure, oauthErrorCode, oauthSetup } from "./client";

export const STATE_TTL_MS = 10 * 60 * 1000;

/** Why a callback was refused; the Connections page turns the code into a banner. */
export type OAuthFailure =
  | "unknown_provider"
  | "not_configured"
  | "missing_state"
  | "invalid_state"
  | "expired_state"
  | "access_denied"
  | "provider_error"
  | "missing_code"
  | "token_error"
  | "account_error";

export class OAuthFlowError extends Error {
  override name = "OAuthFlowError";
  constructor(
    readonly failure: OAuthFailure,
    message: string,
    readonly returnTo = "/connections",
    /** The provider's own error code, when it gave one (bad_verification_code, ...). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

function verifierContext(stateHash: string) {
  return { table: "oauth_states", column: "code_verifier", id: stateHash };
}

function oauthProvider(providerId: string): Provider {
  const provider = getProvider(providerId);
  if (!provider?.oauth2) throw new OAuthFlowError("unknown_provider", `There is no OAuth provider "${providerId}".`);
  return provider;
}

/** Creates a single-use state (stored hashed) and PKCE verifier (stored sealed); returns the provider's authorize URL. */
export async function beginAuthorization(
  userId: string,
  providerId: string,
  returnTo?: string | null,
  now = Date.now(),
  options: { sharedIn?: string } = {},
): Promise<URL> {
  const provider = oauthProvider(providerId);
  let setup;
  try {
    setup = oauthSetup(provider);
  } catch (error) {
    throw new OAuthFlowError("not_configured", (error as Error).message);
  }
  const state = oauth.generateRandomState();
  const stateHash = hashState(state);
  const verifier = setup.provider.oauth2.pkce ? oauth.generateRandomCodeVerifier() : undefined;
  const database = db();
  await database.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date(now)));
  await database.insert(oauthStates).values({
    stateHash,
    userId,
    sharedIn: options.sharedIn ?? null,
    providerId,
    codeVerifierSealed: verifier ? seal(keyRing(), verifier, verifierContext(stateHash)) : null,
    returnTo: safeReturnPath(returnTo, "/connections"),
    expiresAt: new Date(now + STATE_TTL_MS),
  });

  const url = new URL(setup.as.authorization_endpoint!);
  url.searchParams.set("client_id", setup.credentials.clientId);
  url.searchParams.set("redirect_uri", callbackUrl(provider));
  url.searchParams.set("response_type", "code");
  if (setup.provider.oauth2.scopes.length > 0) url.searchParams.set("scope", setup.provider.oauth2.scopes.join(setup.provider.oauth2.scopeSeparator));
  url.searchParams.set("state", state);
  if (verifier) {
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  for (const [name, value] of Object.entries(setup.provider.oauth2.authorizeParams)) url.searchParams.set(name, value);
  return url;
}

/**
 * Consumes the state: it must exist, belong to this user and provider, and be unexpired. A state
 * is deleted on first use, so a replayed callback finds nothing.
 */
async function consumeState(userId: string, providerId: string, state: string | null, now: number) {
  if (!state) throw new OAuthFlowError("missing_state", "The provider's answer carried no state, so it cannot be trusted.");
  const stateHash = hashState(state);
  // Found and consumed in one statement, so of two callbacks with one state (a replay racing the
  // original, in this process or another) exactly one gets the row. Another user's state is
  // refused without consuming it, so nobody can spoil someone else's flow.
  const [row] = await db()
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, stateHash), eq(oauthStates.userId, userId)))
    .returning();
  if (!row) {
    throw new OAuthFlowError("invalid_state", "This sign-in link is not valid (unknown, already used, or started by someone else). Start again.");
  }
  if (row.providerId !== providerId) {
    throw new OAuthFlowError("invalid_state", "This answer was meant for a different provider. Start again.");
  }
  if (row.expiresAt.getTime() <= now) {
    throw new OAuthFlowError("expired_state", "The connection attempt took longer than 10 minutes. Start again.", row.returnTo);
  }
  const verifier = row.codeVerifierSealed ? unseal(keyRing(), row.codeVerifierSealed, verifierContext(stateHash)) : undefined;
  return { verifier, returnTo: row.returnTo, sharedIn: row.sharedIn };
}

/** The token answer's string fields as `token.<name>` template values (Salesforce's instance_url). */
function tokenValues(tokens: oauth.TokenEndpointResponse): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tokens)
      .filter(([name, value]) => typeof value === "string" && !/token/.test(name))
      .map(([name, value]) => [`token.${name}`, value as string]),
  );
}

/** What the provider says about this connection (its instance URL, data center, cloud id), read before who it is. */
async function readConnectionValues(provider: Provider, tokens: oauth.TokenEndpointResponse): Promise<ConnectionValues> {
  try {
    return await discoverConnectionValues(provider, tokens.access_token, tokens as Record<string, unknown>);
  } catch (error) {
    throw new OAuthFlowError(
      "account_error",
      `Connected, but ${provider.name} would not say where this account lives: ${(error as Error).message}. Nothing was saved.`,
    );
  }
}

async function readAccount(provider: Provider, tokens: oauth.TokenEndpointResponse, values: ConnectionValues): Promise<Account> {
  if (!provider.account) return { id: "default", label: null, avatar: null };
  try {
    const body = await providerRequest(
      provider,
      provider.account.request,
      { accessToken: tokens.access_token },
      { ...tokenValues(tokens), ...templateValues(values) },
    );
    const id = readPath(body, provider.account.id);
    if (id === undefined || id === null || id === "") throw new Error(`no ${provider.account.id} in the answer`);
    const label = readPath(body, provider.account.label);
    const avatar = provider.account.avatar ? readPath(body, provider.account.avatar) : undefined;
    return {
      id: String(id),
      label: label == null ? null : `${provider.account.labelPrefix}${String(label)}`,
      avatar: typeof avatar === "string" ? avatar : null,
    };
  } catch (error) {
    throw new OAuthFlowError("account_error", `Connected, but ${provider.name} would not say which account it is: ${(error as Error).message}.`);
  }
}

/** Handles the provider's redirect back: state, errors, code exchange (with the PKCE verifier), account, save. */
export async function completeAuthorization(
  userId: string,
  providerId: string,
  currentUrl: URL,
  now = Date.now(),
): Promise<{ connection: ConnectionRow; returnTo: string }> {
  const provider = oauthProvider(providerId);
  const state = currentUrl.searchParams.get("state");
  const { verifier, returnTo, sharedIn } = await consumeState(userId, providerId, state, now);
  // A shared connection is made by an admin of its workspace, checked again now (a role can change within the ten minutes).
  const roleThere = sharedIn ? await roleIn(userId, sharedIn) : undefined;
  if (sharedIn && !(roleThere && atLeast(roleThere, "admin")))
    throw new OAuthFlowError("invalid_state", "Only admins and owners of the workspace can connect a shared account. Nothing was saved.", returnTo);

  const error = currentUrl.searchParams.get("error");
  if (error === "access_denied") {
    throw new OAuthFlowError("access_denied", `You declined to connect ${provider.name}. Nothing was saved.`, returnTo);
  }
  if (error) {
    throw new OAuthFlowError("provider_error", `${provider.name} refused the request (${error.slice(0, 80)}). Nothing was saved.`, returnTo, error);
  }
  if (!currentUrl.searchParams.get("code")) {
    throw new OAuthFlowError("missing_code", `${provider.name} sent no authorization code. Start again.`, returnTo);
  }

  let setup;
  try {
    setup = oauthSetup(provider);
  } catch (cause) {
    // The client credentials were removed between authorize and callback.
    throw new OAuthFlowError("not_configured", (cause as Error).message, returnTo);
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    const parameters = oauth.validateAuthResponse(setup.as, setup.client, currentUrl, state!);
    const response = await oauth.authorizationCodeGrantRequest(
      setup.as,
      setup.client,
      setup.clientAuth,
      parameters,
      callbackUrl(provider),
      verifier ?? oauth.nopkce,
      setup.options,
    );
    tokens = await oauth.processAuthorizationCodeResponse(setup.as, setup.client, response, setup.processOptions);
  } catch (cause) {
    const code = oauthErrorCode(cause);
    throw new OAuthFlowError(
      "token_error",
      code
        ? `${provider.name} would not exchange the code (${code}). Start again.`
        : `${provider.name}'s token endpoint failed (${describeOAuthFailure(cause)}). Nothing was saved; try again.`,
      returnTo,
      code,
    );
  }

  const values = await readConnectionValues(provider, tokens);
  const account = await readAccount(provider, tokens, values);
  const connection = await upsertOAuthConnection({ userId, sharedIn: sharedIn ?? undefined }, providerId, account, {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresInSeconds: tokens.expires_in,
    scopes: tokens.scope ?? setup.provider.oauth2.scopes.join(" "),
    values,
  });
  return { connection, returnTo };
}
