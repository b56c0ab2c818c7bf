import { createHash, randomBytes } from "node:crypto";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { getURLFromRedirectError } from "next/dist/client/components/redirect";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeGitHub } from "@/e2e/fakes/github";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const mcpRoute = await import("@/app/api/mcp/route");
const resourceMetadata = await import("@/app/.well-known/oauth-protected-resource/api/mcp/route");
const rootResourceMetadata = await import("@/app/.well-known/oauth-protected-resource/route");
const serverMetadata = await import("@/app/.well-known/oauth-authorization-server/route");
const registerRoute = await import("@/app/api/oauth/register/route");
const tokenRoute = await import("@/app/api/oauth/token/route");
const { decideAuthorization } = await import("@/app/(auth)/oauth/authorize/actions");
const authorizeRoute = await import("@/app/(auth)/oauth/authorize/route");
const { listAccessTokens } = await import("@/lib/auth/access-tokens");
const { resetEnvCache } = await import("@/lib/platform/env");
const { connectGitHub, createUser, startGitHubFake } = await import("../support/helpers");
const { startRouteServer } = await import("../support/route-server");

const REDIRECT_URL = "http://127.0.0.1:33418/callback";

let github: FakeGitHub;
let app: Awaited<ReturnType<typeof startRouteServer>>;
let userId: string;

beforeAll(async () => {
  github = await startGitHubFake();
  app = await startRouteServer({
    "/api/mcp": mcpRoute,
    "/.well-known/oauth-protected-resource/api/mcp": resourceMetadata,
    "/.well-known/oauth-protected-resource": rootResourceMetadata,
    "/.well-known/oauth-authorization-server": serverMetadata,
    "/api/oauth/register": registerRoute,
    "/api/oauth/token": tokenRoute,
  });
  process.env.APP_URL = app.url;
  resetEnvCache();
  userId = (await createUser("oauth-person")).id;
  await connectGitHub(userId);
});
afterAll(async () => {
  await app.close();
  await github.close();
});
beforeEach(() => {
  session.current = { user: { id: userId } };
});

/** An MCP client's OAuth state kept in memory, as the SDK's provider interface asks for. */
class MemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  authorizationUrl?: URL;
  constructor(private readonly name: string) {}
  get redirectUrl() {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [REDIRECT_URL],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** The person on the consent page: submits the form's fields to the server action, answers where the browser is sent. */
async function consent(authorizationUrl: URL, decision: "approve" | "deny", scope?: "read" | "write"): Promise<URL> {
  const form = new FormData();
  form.set("request", authorizationUrl.searchParams.toString());
  form.set("decision", decision);
  if (scope) form.set("scope", scope);
  try {
    await decideAuthorization(form);
  } catch (error) {
    if (isRedirectError(error)) return new URL(getURLFromRedirectError(error), app.url);
    throw error;
  }
  throw new Error("the consent action did not redirect");
}

const mcpUrl = () => new URL("/api/mcp", app.url);

async function register(redirectUris: string[], name = "Scripted client") {
  return fetch(`${app.url}/api/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: redirectUris }),
  });
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL("/oauth/authorize", app.url);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

/** A browser's GET of /oauth/authorize. */
const visit = (url: URL) => authorizeRoute.GET(new Request(url));

async function exchange(params: Record<string, string>) {
  return fetch(`${app.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

describe("OAuth for MCP clients, end to end with the SDK 1.x client", () => {
  it("discovers, registers, sends the person to consent, exchanges the code with PKCE, and then lists the person's tools", async () => {
    const provider = new MemoryProvider("Test MCP Client");
    const first = new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider });
    await expect(new Client({ name: "oauth-test", version: "1" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);

    const authorization = provider.authorizationUrl!;
    expect(authorization.origin + authorization.pathname).toBe(`${app.url}/oauth/authorize`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      response_type: "code",
      code_challenge_method: "S256",
      redirect_uri: REDIRECT_URL,
      resource: `${app.url}/api/mcp`,
      scope: "read write",
    });

    const callback = await consent(authorization, "approve");
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URL);
    expect(callback.searchParams.get("iss")).toBe(app.url);
    expect(callback.searchParams.get("state")).toBe(authorization.searchParams.get("state"));
    await first.finishAuth(callback.searchParams.get("code")!);
    expect(provider.saved).toMatchObject({ token_type: "Bearer", scope: "read write", expires_in: 30 * 24 * 60 * 60 });
    expect(provider.saved?.access_token).toMatch(/^pbat_[\w-]{43}$/);

    const client = new Client({ name: "oauth-test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider }));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("github-create-issue");
    await client.close();

    expect(await listAccessTokens(userId)).toContainEqual(expect.objectContaining({ name: "Test MCP Client", clientName: "Test MCP Client", scope: "write" }));
  });

  it("grants read only when the person narrows the scope on the consent page", async () => {
    const provider = new MemoryProvider("Narrowed client");
    const transport = new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider });
    await expect(new Client({ name: "oauth-test", version: "1" }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    await transport.finishAuth((await consent(provider.authorizationUrl!, "approve", "read")).searchParams.get("code")!);
    expect(provider.saved?.scope).toBe("read");
    const client = new Client({ name: "oauth-test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider }));
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("github-list-user-repos");
    expect(names).not.toContain("github-create-issue");
    await client.close();
  });

  it("sends access_denied back to the client when the person declines", async () => {
    const provider = new MemoryProvider("Declined client");
    await expect(
      new Client({ name: "oauth-test", version: "1" }).connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider })),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await consent(provider.authorizationUrl!, "deny");
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URL);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("code")).toBeNull();
  });
});

describe("OAuth authorization server, following the spec by hand", () => {
  it("publishes metadata for the resource and the authorization server", async () => {
    const server = await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json();
    expect(server).toMatchObject({
      issuer: app.url,
      authorization_endpoint: `${app.url}/oauth/authorize`,
      token_endpoint: `${app.url}/api/oauth/token`,
      registration_endpoint: `${app.url}/api/oauth/register`,
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code"],
      token_endpoint_auth_methods_supported: ["none"],
    });
    const resource = await (await fetch(`${app.url}/.well-known/oauth-protected-resource`)).json();
    expect(resource).toMatchObject({ resource: `${app.url}/api/mcp`, authorization_servers: [app.url] });
  });

  it("refuses to register unsafe redirect URIs", async () => {
    for (const uri of ["http://evil.example/callback", "javascript:alert(1)", "https://ok.example/cb#fragment", "not a uri", "https://user:pw@ok.example/cb"]) {
      const response = await register([uri]);
      expect(response.status, uri).toBe(400);
      expect((await response.json()).error).toBe("invalid_redirect_uri");
    }
    expect((await register([])).status).toBe(400);
    for (const uri of ["https://claude.ai/api/mcp/auth_callback", "http://localhost:6274/oauth/callback", "cursor.app://oauth/callback"]) {
      expect((await register([uri])).status, uri).toBe(201);
    }
  });

  it("never sends a code to a redirect URI the client did not register", async () => {
    const client = await (await register(["https://app.example/callback"])).json();
    const { challenge } = pkce();
    const request = authorizeUrl({
      client_id: client.client_id,
      redirect_uri: "https://attacker.example/steal",
      response_type: "code",
      code_challenge: challenge,
      code_challenge_method: "S256",
      scope: "write",
    });
    const landing = await consent(request, "approve");
    expect(landing.origin).toBe(app.url);
    expect(landing.pathname).toBe("/oauth/authorize");
    const unknown = authorizeUrl({
      client_id: "pbc_unknown",
      redirect_uri: "https://app.example/callback",
      response_type: "code",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    expect((await consent(unknown, "approve")).origin).toBe(app.url);
  });

  it("checks the request again when the person answers, and sends a bad one to Patchbay's error page, not to the client", async () => {
    const client = await (await register(["https://app.example/callback"])).json();
    const base = { client_id: client.client_id, redirect_uri: "https://app.example/callback", response_type: "code", state: "s1" };
    for (const params of [
      base,
      { ...base, code_challenge: "a".repeat(43), code_challenge_method: "plain" },
      { ...base, code_challenge: "a".repeat(43), code_challenge_method: "S256", scope: "admin" },
    ]) {
      const landing = await consent(authorizeUrl(params), "approve");
      expect(landing.origin, JSON.stringify(params)).toBe(app.url);
      expect(landing.pathname).toBe("/oauth/authorize");
      expect(landing.searchParams.get("code")).toBeNull();
    }
  });

  it("refuses a wrong code_verifier, and the code is spent by the attempt", async () => {
    const client = await (await register(["https://app.example/callback"])).json();
    const { verifier, challenge } = pkce();
    const callback = await consent(
      authorizeUrl({
        client_id: client.client_id,
        redirect_uri: "https://app.example/callback",
        response_type: "code",
        code_challenge: challenge,
        code_challenge_method: "S256",
        scope: "read",
      }),
      "approve",
    );
    const code = callback.searchParams.get("code")!;
    const request = { grant_type: "authorization_code", code, client_id: client.client_id, redirect_uri: "https://app.example/callback" };
    const wrong = await exchange({ ...request, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: "invalid_grant", error_description: "PKCE verification failed: code_verifier does not match code_challenge." });
    const retried = await exchange({ ...request, code_verifier: verifier });
    expect(retried.status).toBe(400);
    expect((await retried.json()).error).toBe("invalid_grant");
  });

  it("issues a token once per code, only to the client and redirect URI it was issued for", async () => {
    const client = await (await register(["https://app.example/callback", "https://app.example/other"])).json();
    const other = await (await register(["https://app.example/callback"])).json();
    const grant = async () => {
      const { verifier, challenge } = pkce();
      const callback = await consent(
        authorizeUrl({
          client_id: client.client_id,
          redirect_uri: "https://app.example/callback",
          response_type: "code",
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
        "approve",
      );
      return {
        grant_type: "authorization_code",
        code: callback.searchParams.get("code")!,
        client_id: client.client_id,
        redirect_uri: "https://app.example/callback",
        code_verifier: verifier,
      };
    };
    expect((await exchange({ ...(await grant()), client_id: other.client_id })).status).toBe(400);
    expect((await exchange({ ...(await grant()), redirect_uri: "https://app.example/other" })).status).toBe(400);
    expect((await exchange({ ...(await grant()), resource: "https://elsewhere.example/mcp" })).status).toBe(400);
    const good = await grant();
    const issued = await exchange({ ...good, resource: `${app.url}/api/mcp` });
    expect(issued.status).toBe(200);
    expect(issued.headers.get("cache-control")).toBe("no-store");
    expect(await issued.json()).toMatchObject({ token_type: "Bearer", scope: "read" });
    expect((await exchange(good)).status).toBe(400);
    expect((await exchange({ ...good, grant_type: "refresh_token" })).status).toBe(400);
  });
});

describe("/oauth/authorize shows every error on Patchbay's own page, signed in or not, and redirects to the client only after consent", () => {
  const callback = "https://app.example/callback";
  let clientId: string;
  beforeAll(async () => {
    clientId = (await (await register([callback], "<img src=x onerror=alert(1)>")).json()).client_id;
  });
  const valid = (): Record<string, string> => ({
    client_id: clientId,
    redirect_uri: callback,
    response_type: "code",
    code_challenge: pkce().challenge,
    code_challenge_method: "S256",
    scope: "read",
    state: "s1",
  });
  const without = (params: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)));
  const cases: [string, (params: Record<string, string>) => Record<string, string>, string][] = [
    ["no PKCE", (params) => without(params, "code_challenge", "code_challenge_method"), "PKCE is required"],
    ["code_challenge_method=plain", (params) => ({ ...params, code_challenge_method: "plain" }), "Only the S256 code_challenge_method is supported"],
    ["response_type=token", (params) => ({ ...params, response_type: "token" }), "Only response_type code is supported"],
    ["an unknown client", (params) => ({ ...params, client_id: "pbc_unknown" }), "not registered with Patchbay"],
    ["no client_id", (params) => without(params, "client_id"), "not registered with Patchbay"],
    ["a redirect_uri the client did not register", (params) => ({ ...params, redirect_uri: "https://attacker.example/steal" }), "which it did not register"],
    [
      "a redirect_uri spelled differently from the registered one",
      (params) => ({ ...params, redirect_uri: "https://APP.example/callback" }),
      "which it did not register",
    ],
    ["an unknown scope", (params) => ({ ...params, scope: "admin" }), "Scopes are read and write"],
    ["another resource", (params) => ({ ...params, resource: "https://elsewhere.example/mcp" }), "Patchbay issues tokens only for"],
  ];

  for (const signedIn of [true, false]) {
    it.each(cases)(`%s: 400 and the reason on the page, never a redirect (${signedIn ? "signed in" : "signed out"})`, async (_, change, reason) => {
      session.current = signedIn ? { user: { id: userId } } : null;
      const response = await visit(authorizeUrl(change(valid())));
      expect(response.headers.get("location")).toBeNull();
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const html = await response.text();
      expect(html).toContain(reason);
      expect(html).not.toContain("<img src=x");
    });
  }

  it("sends a signed-out person to sign-in only for a request that can be granted, and back here afterwards", async () => {
    session.current = null;
    const request = authorizeUrl(valid());
    const response = await visit(request);
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${app.url}/sign-in`);
    expect(location.searchParams.get("callbackUrl")).toBe(request.pathname + request.search);
  });

  it("shows a signed-in person the consent page for a request that can be granted", async () => {
    const request = authorizeUrl(valid());
    const response = await visit(request);
    expect([302, 303, 307]).toContain(response.status);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${app.url}/oauth/authorize/consent`);
    expect(location.search).toBe(request.search);
  });
});
