/**
 * One configurable fake OAuth 2.0 provider, speaking the wire format of RFC 6749 / 7636 / 7009 and
 * playing, per configuration, the quirks real providers have: PKCE required or absent, client
 * credentials as HTTP Basic or in the form, refresh tokens that rotate (the old one stops working),
 * stay the same, or do not exist, answers without expires_in or without token_type, `"scope": null`,
 * extra fields in the token answer (Salesforce's instance_url, Slack's bot and user tokens,
 * Notion's workspace), discovery endpoints answered after the token (Atlassian's
 * accessible-resources) and a connection's own API base, the token in a header of the provider's own (Shopify's
 * X-Shopify-Access-Token), and revocation by RFC 7009 form, by the token itself, or by deleting
 * the refresh token named in the path (HubSpot's DELETE /oauth/v1/refresh-tokens/:token).
 *
 * Every path is configured (the test takes them from a provider's declaration), so one fake plays
 * any provider: the authorize page (GET shows a consent form; POST decision=approve|deny
 * redirects), the token endpoint, the "who am I" endpoint answering a configured JSON body, and the
 * revocation endpoint. Start it with startFakeOAuthProvider(); `node e2e/fakes/oauth-provider.ts`
 * starts one with a default configuration on FAKE_OAUTH_PORT (for Playwright). Never imported by
 * app code.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type FakeOAuthConfig = {
  clientId: string;
  clientSecret: string;
  paths: {
    authorize: string;
    token: string;
    /** Where refresh grants go, when not to `token` (Figma). */
    refresh?: string;
    /** The "who am I" request: answered with `account` for a live token. */
    account: { path: string; method: "GET" | "POST" };
    /** refresh-token-path: `path` is the prefix, the refresh token the last segment (HubSpot). */
    revoke?: { path: string; method: "POST" | "DELETE"; style: "rfc7009" | "bearer" | "json-access-token" | "refresh-token-path" };
  };
  /** How the client must authenticate at the token (and RFC 7009 revocation) endpoint. */
  clientAuth: "client_secret_post" | "client_secret_basic";
  /** required: no code without an S256 challenge, no token without its verifier; none: a challenge is refused. */
  pkce: "required" | "optional";
  refresh: "rotating" | "reused" | "none";
  /** Seconds in expires_in; undefined: the answer has none. */
  expiresIn?: number;
  /** The token_type in answers; undefined: the answer has none. */
  tokenType?: string;
  /** Answer `"scope": null` instead of the granted scope (Mailchimp). */
  nullScope?: boolean;
  /** Fields added to every token answer (instance_url, authed_user, workspace_name, ...). */
  extra?: Record<string, unknown>;
  /** Where the access token (or API key) travels on the account and bearer-revocation requests. */
  tokenHeader: { name: string; prefix: string };
  /** A query parameter that carries an API key instead (OpenWeather's appid). */
  tokenQuery?: string;
  /** The account endpoint's answer. */
  account: unknown;
  /**
   * Further GET endpoints answered (for a live token) with a fixed JSON body: discovery calls made
   * after the token (Atlassian's /oauth/token/accessible-resources) and API calls at a connection's
   * own base URL (a Salesforce instance, a Mailchimp data center).
   */
  resources?: Record<string, unknown>;
};

type Code = { redirectUri: string; scope: string; challenge?: string; used: boolean };
type TokenRequest = { grantType: string; clientAuth: "client_secret_post" | "client_secret_basic" | "none"; body: Record<string, string> };

export type FakeOAuthProvider = {
  url: string;
  server: Server;
  config: FakeOAuthConfig;
  /** Replaces the configuration (a test per provider reuses one server). */
  configure: (config: FakeOAuthConfig) => void;
  /** Makes a credential live without a grant: an API key the account endpoint accepts. */
  accept: (credential: string) => void;
  /** Access tokens issued, oldest first, and those revoked. */
  issued: string[];
  revoked: Set<string>;
  /** Refresh tokens still accepted. */
  liveRefreshTokens: Set<string>;
  tokenRequests: TokenRequest[];
  authorizeRequests: URLSearchParams[];
  close: () => Promise<void>;
};

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("base64url")}`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export async function startFakeOAuthProvider(config: FakeOAuthConfig, port = 0): Promise<FakeOAuthProvider> {
  const codes = new Map<string, Code>();
  const live = new Set<string>();
  const fake: FakeOAuthProvider = {
    url: "",
    server: undefined as unknown as Server,
    config,
    configure: (next) => {
      fake.config = next;
    },
    accept: (credential) => {
      live.add(credential);
    },
    issued: [],
    revoked: new Set(),
    liveRefreshTokens: new Set(),
    tokenRequests: [],
    authorizeRequests: [],
    close: async () => {
      fake.server.closeAllConnections();
      await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    },
  };

  /** Who the client is, by the configured method; undefined when it did not authenticate that way. */
  function clientOf(request: IncomingMessage, form: URLSearchParams, basicOnly = false): TokenRequest["clientAuth"] | undefined {
    const { clientId, clientSecret } = fake.config;
    const clientAuth = basicOnly ? "client_secret_basic" : fake.config.clientAuth;
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? "");
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":").map(decodeURIComponent);
      return clientAuth === "client_secret_basic" && id === clientId && secret === clientSecret ? "client_secret_basic" : undefined;
    }
    if (form.get("client_id") === clientId && form.get("client_secret") === clientSecret)
      return clientAuth === "client_secret_post" ? "client_secret_post" : undefined;
    return undefined;
  }

  function issue(scope: string): Record<string, unknown> {
    const { refresh, expiresIn, tokenType, nullScope, extra } = fake.config;
    const access = token("at");
    live.add(access);
    fake.issued.push(access);
    const answer: Record<string, unknown> = { access_token: access, ...extra };
    if (tokenType !== undefined) answer.token_type = tokenType;
    if (expiresIn !== undefined) answer.expires_in = expiresIn;
    answer.scope = nullScope ? null : scope;
    if (refresh !== "none") {
      const refreshToken = token("rt");
      fake.liveRefreshTokens.add(refreshToken);
      answer.refresh_token = refreshToken;
    }
    return answer;
  }

  function presentedToken(request: IncomingMessage): string | undefined {
    if (fake.config.tokenQuery) return new URL(request.url ?? "/", "http://fake").searchParams.get(fake.config.tokenQuery) ?? undefined;
    const { name, prefix } = fake.config.tokenHeader;
    const value = request.headers[name.toLowerCase()];
    return typeof value === "string" && value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  }

  async function tokenEndpoint(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    // A provider with a refresh endpoint of its own takes each grant at its own URL only.
    const { refresh } = fake.config.paths;
    if (refresh && refresh !== fake.config.paths.token && (path === refresh) !== (form.get("grant_type") === "refresh_token")) {
      return reply(response, 400, { error: "unsupported_grant_type", error_description: `not at ${path}` });
    }
    const clientAuth = clientOf(request, form);
    fake.tokenRequests.push({ grantType: form.get("grant_type") ?? "", clientAuth: clientAuth ?? "none", body: Object.fromEntries(form) });
    if (!clientAuth) return reply(response, 401, { error: "invalid_client", error_description: "client authentication failed" });
    if (form.get("grant_type") === "authorization_code") {
      const code = codes.get(form.get("code") ?? "");
      if (!code || code.used) return reply(response, 400, { error: "invalid_grant", error_description: "unknown or used code" });
      code.used = true;
      if (form.get("redirect_uri") !== code.redirectUri) return reply(response, 400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
      const verifier = form.get("code_verifier");
      if (code.challenge) {
        if (!verifier || createHash("sha256").update(verifier).digest("base64url") !== code.challenge)
          return reply(response, 400, { error: "invalid_grant", error_description: "code_verifier does not match" });
      } else if (verifier) {
        return reply(response, 400, { error: "invalid_request", error_description: "code_verifier without a challenge" });
      }
      return reply(response, 200, issue(code.scope));
    }
    if (form.get("grant_type") === "refresh_token") {
      if (fake.config.refresh === "none") return reply(response, 400, { error: "unsupported_grant_type" });
      const presented = form.get("refresh_token") ?? "";
      if (!fake.liveRefreshTokens.has(presented)) return reply(response, 400, { error: "invalid_grant", error_description: "refresh token revoked or used" });
      const answer = issue(String(form.get("scope") ?? "refreshed"));
      if (fake.config.refresh === "rotating") {
        fake.liveRefreshTokens.delete(presented);
      } else {
        // The same refresh token stays valid; the answer carries none (Google) and the client keeps its own.
        fake.liveRefreshTokens.delete(answer.refresh_token as string);
        delete answer.refresh_token;
      }
      return reply(response, 200, answer);
    }
    return reply(response, 400, { error: "unsupported_grant_type" });
  }

  async function authorizeEndpoint(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const params = request.method === "POST" ? new URLSearchParams(await readBody(request)) : url.searchParams;
    fake.authorizeRequests.push(params);
    const { clientId, pkce } = fake.config;
    const redirectUri = params.get("redirect_uri");
    if (params.get("client_id") !== clientId || !redirectUri) return reply(response, 400, { error: "invalid_client" });
    const back = new URL(redirectUri);
    const state = params.get("state");
    if (state) back.searchParams.set("state", state);
    const challenge = params.get("code_challenge") ?? undefined;
    if (params.get("response_type") !== "code" || (pkce === "required" && (!challenge || params.get("code_challenge_method") !== "S256"))) {
      back.searchParams.set("error", "invalid_request");
      return void response.writeHead(302, { location: back.toString() }).end();
    }
    if (request.method === "GET") {
      const hidden = [...params].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("");
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return void response.end(
        `<!doctype html><title>Authorize</title><h1>Authorize ${escapeHtml(clientId)}</h1><form method="post">${hidden}` +
          `<button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button></form>`,
      );
    }
    if (params.get("decision") !== "approve") {
      back.searchParams.set("error", "access_denied");
      return void response.writeHead(302, { location: back.toString() }).end();
    }
    const code = token("code");
    codes.set(code, { redirectUri, scope: params.get("scope") ?? "", challenge, used: false });
    back.searchParams.set("code", code);
    response.writeHead(302, { location: back.toString() }).end();
  }

  /** HubSpot: DELETE <prefix>/<refresh token>, no client authentication; 204, or 400 BAD_REFRESH_TOKEN for one it does not know. */
  async function deleteRefreshToken(response: ServerResponse, refreshToken: string): Promise<void> {
    if (!fake.liveRefreshTokens.has(refreshToken))
      return reply(response, 400, { status: "BAD_REFRESH_TOKEN", message: "missing or unknown refresh token", category: "BAD_REQUEST" });
    fake.liveRefreshTokens.delete(refreshToken);
    fake.revoked.add(refreshToken);
    response.writeHead(204).end();
  }

  async function revokeEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const revoke = fake.config.paths.revoke!;
    const body = await readBody(request);
    let presented: string | undefined;
    if (revoke.style === "bearer") {
      presented = presentedToken(request);
    } else if (revoke.style === "rfc7009") {
      const form = new URLSearchParams(body);
      if (!clientOf(request, form)) return reply(response, 401, { error: "invalid_client" });
      presented = form.get("token") ?? undefined;
    } else {
      // GitHub's grant revocation: the client id and secret as HTTP Basic, whatever the token endpoint takes.
      if (!clientOf(request, new URLSearchParams(), true)) return reply(response, 401, { message: "Requires authentication" });
      presented = (JSON.parse(body || "{}") as { access_token?: string }).access_token;
    }
    if (!presented || !live.has(presented))
      return reply(response, revoke.style === "rfc7009" ? 200 : 401, revoke.style === "rfc7009" ? {} : { error: "invalid_token" });
    live.delete(presented);
    fake.revoked.add(presented);
    if (revoke.style === "json-access-token") return void response.writeHead(204).end();
    return reply(response, 200, { ok: true });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const { paths } = fake.config;
    const handle = async () => {
      if (url.pathname === "/_fake/state" && request.method === "GET") {
        return reply(response, 200, {
          clientId: fake.config.clientId,
          issued: fake.issued.length,
          revoked: fake.revoked.size,
          tokenRequests: fake.tokenRequests.length,
        });
      }
      if (url.pathname === paths.authorize && (request.method === "GET" || request.method === "POST")) return authorizeEndpoint(request, response, url);
      if ((url.pathname === paths.token || url.pathname === paths.refresh) && request.method === "POST") return tokenEndpoint(request, response, url.pathname);
      if (paths.revoke?.style === "refresh-token-path" && url.pathname.startsWith(`${paths.revoke.path}/`) && request.method === paths.revoke.method) {
        await readBody(request);
        return deleteRefreshToken(response, decodeURIComponent(url.pathname.slice(paths.revoke.path.length + 1)));
      }
      if (paths.revoke && url.pathname === paths.revoke.path && request.method === paths.revoke.method) return revokeEndpoint(request, response);
      const resources = fake.config.resources ?? {};
      if (request.method === "GET" && Object.hasOwn(resources, url.pathname) && url.pathname !== paths.account.path) {
        const presented = presentedToken(request);
        if (!presented || !live.has(presented)) return reply(response, 401, { error: "invalid_token" });
        return reply(response, 200, resources[url.pathname]);
      }
      if (url.pathname === paths.account.path && request.method === paths.account.method) {
        await readBody(request);
        const presented = presentedToken(request);
        if (!presented || !live.has(presented)) return reply(response, 401, { error: "invalid_token" });
        return reply(response, 200, fake.config.account);
      }
      return reply(response, 404, { error: "not_found", path: url.pathname });
    };
    handle().catch((error: unknown) => reply(response, 500, { error: "server_error", message: String(error) }));
  });
  fake.server = server;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  fake.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return fake;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Standalone (Playwright's webServer): the configuration comes as JSON in FAKE_OAUTH_CONFIG.
  const fake = await startFakeOAuthProvider(JSON.parse(process.env.FAKE_OAUTH_CONFIG ?? "{}") as FakeOAuthConfig, Number(process.env.FAKE_OAUTH_PORT ?? 0));
  console.log(`fake OAuth provider (${fake.config.clientId}) listening on ${fake.url}`);
}
