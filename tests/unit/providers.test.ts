import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { OAuth2Server } from "oauth2-mock-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnect } from "@/lib/connections/disconnect";
import { findConnection, unsealFrom } from "@/lib/connections/store";
import { getAccessToken } from "@/lib/connections/tokens";
import { beginAuthorization, completeAuthorization } from "@/lib/connections/oauth/flow";
import { buildRegistry, expandTemplate, getProvider, listProviders, loadProvidersFile, ProviderConfigError, resetProviderRegistry } from "@/lib/providers";
import { resetEnvCache } from "@/lib/platform/env";
import { createUser } from "../support/helpers";
import { scratchDir } from "../support/scratch";

function writeProvidersFile(contents: unknown): string {
  const path = join(scratchDir("providers-"), "providers.json");
  writeFileSync(path, JSON.stringify(contents));
  return path;
}

describe("the provider registry", () => {
  it("declares the built-in services with their real endpoints", () => {
    const ids = listProviders().map((provider) => provider.id);
    expect(ids).toEqual(expect.arrayContaining(["github", "slack", "linear", "notion", "stripe", "openweather"]));
    expect(new Set(ids).size).toBe(ids.length);

    const github = getProvider("github")!;
    delete process.env.GITHUB_BASE_URL;
    delete process.env.GITHUB_API_URL;
    expect(expandTemplate(github, github.oauth2!.tokenUrl)).toBe("https://github.com/login/oauth/access_token");
    expect(expandTemplate(github, github.account!.request.url)).toBe("https://api.github.com/user");
    expect(github.oauth2).toMatchObject({ pkce: true, clientIdEnv: "GITHUB_CLIENT_ID", clientSecretEnv: "GITHUB_CLIENT_SECRET" });
    process.env.GITHUB_BASE_URL = "https://ghe.example.com";
    process.env.GITHUB_API_URL = "https://ghe.example.com/api/v3";
    expect(expandTemplate(github, github.oauth2!.authorizeUrl)).toBe("https://ghe.example.com/login/oauth/authorize");
    expect(expandTemplate(github, github.oauth2!.revoke!.url, { clientId: "abc" })).toBe("https://ghe.example.com/api/v3/applications/abc/grant");
    delete process.env.GITHUB_BASE_URL;
    delete process.env.GITHUB_API_URL;

    expect(expandTemplate(getProvider("slack")!, getProvider("slack")!.oauth2!.tokenUrl)).toBe("https://slack.com/api/oauth.v2.access");
    expect(getProvider("notion")!.oauth2!.clientAuth).toBe("client_secret_basic");
    expect(getProvider("linear")!.oauth2).toBeDefined();
    expect(getProvider("linear")!.apiKey!.env).toBe("LINEAR_API_KEY");
    expect(getProvider("stripe")!.oauth2).toBeUndefined();
    expect(getProvider("stripe")!.apiKey!.env).toBe("STRIPE_API_KEY");
    expect(getProvider("openweather")!.apiKey!.placement).toEqual({ in: "query", name: "appid" });
    for (const provider of listProviders()) {
      expect(provider.oauth2 ?? provider.apiKey ?? provider.webhooks).toBeDefined();
      if (provider.apiKey) expect(provider.apiKey.env).toMatch(/^[A-Z]+_(API_KEY|BOT_TOKEN)$/);
    }
  });

  it("loads a deployment's providers from PROVIDERS_FILE", () => {
    const path = writeProvidersFile([
      {
        id: "acme",
        name: "Acme CRM",
        urls: { api: { default: "https://api.acme.test" } },
        apiBaseUrl: "{api}/v2",
        apiKey: { env: "ACME_API_KEY", placement: { in: "header", name: "x-api-key" } },
      },
    ]);
    const registry = buildRegistry(loadProvidersFile(path));
    expect(registry.get("acme")).toMatchObject({ name: "Acme CRM", apiKey: { env: "ACME_API_KEY" } });
    expect(registry.get("github")).toBeDefined();
  });

  it.each([
    [
      [{ id: "Bad Id", name: "x", apiBaseUrl: "https://x.test", apiKey: { env: "X_API_KEY", placement: { in: "query", name: "k" } } }],
      /PROVIDERS_FILE entry 0 \(id "Bad Id"\): id: expected a lower-case id/,
    ],
    [[{ id: "acme", name: "Acme", apiBaseUrl: "https://x.test" }], /PROVIDERS_FILE entry 0 \(id "acme"\): oauth2: declare oauth2, apiKey, webhooks/],
    [
      [
        {
          id: "acme",
          name: "Acme",
          apiBaseUrl: "https://x.test",
          oauth2: { authorizeUrl: "https://a", tokenUrl: "https://t", pkce: true, clientIdEnv: "acme id", clientSecretEnv: "ACME_SECRET" },
        },
      ],
      /entry 0 \(id "acme"\): oauth2\.clientIdEnv: expected an environment variable name/,
    ],
    [{ not: "an array" }, /expected a JSON array/],
  ])("refuses a bad PROVIDERS_FILE with a message naming the entry and field (%#)", (contents, message) => {
    expect(() => loadProvidersFile(writeProvidersFile(contents))).toThrow(message);
  });

  it("refuses a provider id that is already taken", () => {
    const path = writeProvidersFile([
      { id: "github", name: "Mine", apiBaseUrl: "https://x.test", apiKey: { env: "MINE_API_KEY", placement: { in: "query", name: "k" } } },
    ]);
    expect(() => buildRegistry(loadProvidersFile(path))).toThrow(ProviderConfigError);
  });
});

describe("a generic OAuth 2.0 provider from PROVIDERS_FILE, against oauth2-mock-server", () => {
  const server = new OAuth2Server();

  beforeAll(async () => {
    await server.issuer.keys.generate("RS256");
    await server.start(0, "127.0.0.1");
    const issuer = server.issuer.url!;
    process.env.PROVIDERS_FILE = writeProvidersFile([
      {
        id: "mockidp",
        name: "Mock IdP",
        urls: { issuer: { default: issuer } },
        apiBaseUrl: "{issuer}",
        oauth2: {
          authorizeUrl: "{issuer}/authorize",
          tokenUrl: "{issuer}/token",
          scopes: ["profile", "email"],
          pkce: true,
          clientAuth: "client_secret_basic",
          clientIdEnv: "MOCKIDP_CLIENT_ID",
          clientSecretEnv: "MOCKIDP_CLIENT_SECRET",
          revoke: { url: "{issuer}/revoke" },
        },
        account: { request: { url: "{issuer}/userinfo" }, id: "sub", label: "sub" },
      },
    ]);
    process.env.MOCKIDP_CLIENT_ID = "patchbay"; // the mock does not form-decode Basic credentials, so no "-" here
    process.env.MOCKIDP_CLIENT_SECRET = "patchbay-test-secret";
    resetEnvCache();
    resetProviderRegistry();
  });

  afterAll(async () => {
    await server.stop();
    delete process.env.PROVIDERS_FILE;
    resetEnvCache();
    resetProviderRegistry();
  });

  it("connects with state and PKCE, reads the account, refreshes, and revokes", async () => {
    const grants: string[] = [];
    let issued = 0;
    const onResponse = (_response: unknown, request: { body: Record<string, string> }) => void grants.push(request.body.grant_type!);
    const onSigning = (token: { payload: Record<string, unknown> }) => void (token.payload.n = ++issued); // distinct tokens within one second
    server.service.on("beforeResponse", onResponse);
    server.service.on("beforeTokenSigning", onSigning);
    try {
      const user = await createUser();
      const authorizeUrl = await beginAuthorization(user.id, "mockidp");
      expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
      const redirect = await fetch(authorizeUrl, { redirect: "manual" });
      expect(redirect.status).toBe(302);
      const callback = new URL(redirect.headers.get("location")!);
      expect(callback.pathname).toBe("/api/connections/mockidp/callback");

      const { connection } = await completeAuthorization(user.id, "mockidp", callback);
      expect(connection).toMatchObject({ providerId: "mockidp", accountId: "johndoe", accountLabel: "johndoe", status: "active" });
      expect(connection.refreshTokenSealed).toMatch(/^v1\./);
      expect(grants).toEqual(["authorization_code"]);
      const firstAccess = unsealFrom(connection.id, "access_token", connection.accessTokenSealed!);
      const firstRefresh = unsealFrom(connection.id, "refresh_token", connection.refreshTokenSealed!);

      // Asked at the moment the token expires, the store must refresh: a new token from the mock's token endpoint.
      const { accessToken } = await getAccessToken(user.id, "mockidp", connection.expiresAt!.getTime());
      expect(grants).toEqual(["authorization_code", "refresh_token"]);
      expect(accessToken).not.toBe(firstAccess);
      expect(accessToken.split(".")).toHaveLength(3); // the mock issues JWT access tokens
      const saved = (await findConnection(user.id, connection.id))!;
      expect(unsealFrom(saved.id, "access_token", saved.accessTokenSealed!)).toBe(accessToken);
      expect(unsealFrom(saved.id, "refresh_token", saved.refreshTokenSealed!)).not.toBe(firstRefresh); // the mock rotates refresh tokens
      expect(saved.lastRefreshedAt!.getTime()).toBeGreaterThanOrEqual(connection.lastRefreshedAt!.getTime());
      expect(saved.expiresAt!.getTime()).toBeGreaterThan(connection.expiresAt!.getTime() - 1);
      expect(saved.status).toBe("active");

      // Disconnect revokes at the mock's RFC 7009 endpoint, with the current token and the client's Basic credentials.
      // The mock does not parse the revocation body, so the test reads it off the request stream.
      const revocation = new Promise<{ token: string | null; authorization?: string }>((resolve) => {
        server.service.once("beforeRevoke", (_response: unknown, request: IncomingMessage) => {
          let body = "";
          request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
          request.on("end", () => resolve({ token: new URLSearchParams(body).get("token"), authorization: request.headers.authorization }));
        });
      });
      expect(await disconnect(user.id, connection.id)).toEqual({ revoked: true, message: "Disconnected and revoked." });
      const { token, authorization } = await revocation;
      expect(token).toBe(accessToken);
      // RFC 6749 2.3.1: Basic credentials are form-encoded first (oauth4webapi sends "-" as %2D).
      const basic = Buffer.from(authorization!.replace(/^Basic /, ""), "base64")
        .toString()
        .split(":")
        .map(decodeURIComponent);
      expect(basic).toEqual(["patchbay", "patchbay-test-secret"]);
      expect(await findConnection(user.id, connection.id)).toBeUndefined();
    } finally {
      server.service.off("beforeResponse", onResponse);
      server.service.off("beforeTokenSigning", onSigning);
    }
  });

  it("reports a revocation the mock refuses", async () => {
    const user = await createUser();
    const redirect = await fetch(await beginAuthorization(user.id, "mockidp"), { redirect: "manual" });
    const { connection } = await completeAuthorization(user.id, "mockidp", new URL(redirect.headers.get("location")!));
    server.service.once("beforeRevoke", (response: { statusCode: number }) => {
      response.statusCode = 503;
    });
    const result = await disconnect(user.id, connection.id);
    expect(result).toEqual({
      revoked: false,
      message: "Disconnected; the provider did not confirm the revocation (HTTP 503). Revoke Patchbay in your Mock IdP settings.",
      warning: "Mock IdP did not confirm the revocation (HTTP 503); revoke Patchbay in your Mock IdP settings.",
    });
  });
});
