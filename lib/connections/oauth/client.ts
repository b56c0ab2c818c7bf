import "server-only";
import * as oauth from "oauth4webapi";
import { expandTemplate, type OAuthClientCredentials, oauthCredentials, type Provider } from "@/lib/providers";
import { ConnectionError } from "@/lib/connections/errors";
import { env } from "@/lib/platform";
import { readLimited } from "@/lib/http";

/** Token, refresh and revocation answers are small; a larger body is refused while it streams in. */
const OAUTH_RESPONSE_MAX_BYTES = 1024 * 1024;

export type OAuthSetup = {
  provider: Provider & { oauth2: NonNullable<Provider["oauth2"]> };
  credentials: OAuthClientCredentials;
  as: oauth.AuthorizationServer;
  /** The authorization server as refresh grants see it: its token endpoint is `refreshUrl` where one is declared. */
  refreshAs: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  options: oauth.HttpRequestOptions<"POST", URLSearchParams>;
  processOptions: oauth.ProcessTokenResponseOptions;
};

/**
 * Some token endpoints (GitHub's among them) answer errors with HTTP 200 and an `error` field.
 * Turning those into 400 lets oauth4webapi report them as the OAuth errors they are. Some answer a
 * token without a token_type (Shopify, ClickUp, Mailchimp: declared `tokenTypeOptional`), which is
 * a bearer token, or with `"scope": null` (Mailchimp), which says nothing. Every answer is read
 * here, capped at OAUTH_RESPONSE_MAX_BYTES.
 */
const normalizingFetch =
  (tokenTypeOptional: boolean): typeof fetch =>
  async (input, init) => {
    const response = await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(env().OAUTH_TIMEOUT_SECONDS * 1000) });
    if (response.status === 204 || response.status === 205 || response.status === 304) return response;
    const bytes = await readLimited(response, OAUTH_RESPONSE_MAX_BYTES);
    if (response.status !== 200 || !response.headers.get("content-type")?.includes("json"))
      return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    const body = bytes.toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const isError = parsed && typeof parsed === "object" && "error" in parsed && !("access_token" in parsed);
    if (!isError && parsed && typeof parsed === "object" && "access_token" in parsed) {
      const answer = parsed as Record<string, unknown>;
      let changed = false;
      if (answer.scope === null) {
        delete answer.scope;
        changed = true;
      }
      if (tokenTypeOptional && answer.token_type === undefined) {
        answer.token_type = "bearer";
        changed = true;
      }
      if (changed) return new Response(JSON.stringify(answer), { status: 200, headers: response.headers });
    }
    return new Response(body, { status: isError ? 400 : 200, headers: response.headers });
  };

/** Everything oauth4webapi needs to talk to this provider's authorization server. */
export function oauthSetup(provider: Provider): OAuthSetup {
  if (!provider.oauth2) throw new ConnectionError("unknown_provider", `${provider.name} does not connect by OAuth.`);
  const credentials = oauthCredentials(provider);
  if (!credentials) {
    throw new ConnectionError(
      "not_configured",
      `${provider.name} is not configured: set ${provider.oauth2.clientIdEnv} and ${provider.oauth2.clientSecretEnv}.`,
    );
  }
  const authorizationEndpoint = expandTemplate(provider, provider.oauth2.authorizeUrl);
  const tokenEndpoint = expandTemplate(provider, provider.oauth2.tokenUrl);
  const revocationEndpoint = provider.oauth2.revoke ? expandTemplate(provider, provider.oauth2.revoke.url, { clientId: credentials.clientId }) : undefined;
  const as: oauth.AuthorizationServer = {
    issuer: new URL(authorizationEndpoint).origin,
    authorization_endpoint: authorizationEndpoint,
    token_endpoint: tokenEndpoint,
    revocation_endpoint: revocationEndpoint,
  };
  const refreshAs = provider.oauth2.refreshUrl ? { ...as, token_endpoint: expandTemplate(provider, provider.oauth2.refreshUrl) } : as;
  const clientAuth =
    provider.oauth2.clientAuth === "client_secret_basic" ? oauth.ClientSecretBasic(credentials.clientSecret) : oauth.ClientSecretPost(credentials.clientSecret);
  return {
    provider: provider as OAuthSetup["provider"],
    credentials,
    as,
    refreshAs,
    client: { client_id: credentials.clientId },
    clientAuth,
    options: {
      // Plain http is allowed only when the operator points a provider at an http:// origin (a local fake, an internal GHES).
      [oauth.allowInsecureRequests]: tokenEndpoint.startsWith("http:") || refreshAs.token_endpoint!.startsWith("http:"),
      [oauth.customFetch]: normalizingFetch(provider.oauth2.tokenTypeOptional),
    },
    processOptions: {
      recognizedTokenTypes: Object.fromEntries(provider.oauth2.extraTokenTypes.map((type) => [type, () => {}])),
    },
  };
}

/** A token-endpoint error code (invalid_grant, bad_verification_code, ...) or undefined. */
export function oauthErrorCode(error: unknown): string | undefined {
  return error instanceof oauth.ResponseBodyError ? error.error : undefined;
}

/**
 * A short, secret-free reason for a failed token-endpoint call: the OAuth error code when the
 * provider gave one, else what happened (HTTP status, a body that is not JSON, no answer in time).
 */
export function describeOAuthFailure(error: unknown): string {
  const code = oauthErrorCode(error);
  if (code) return code;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "no answer in time";
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response) {
    const status = error.cause.status;
    return error.code === oauth.RESPONSE_IS_NOT_JSON ? `HTTP ${status}, not a JSON answer` : `HTTP ${status}`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`.slice(0, 160);
}
