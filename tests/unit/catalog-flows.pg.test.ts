import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connections } from "@/db/schema";
import { saveApiKey } from "@/lib/connections/api-keys";
import { disconnect } from "@/lib/connections/disconnect";
import { beginAuthorization, completeAuthorization } from "@/lib/connections/oauth/flow";
import { providerRequest } from "@/lib/connections/provider-request";
import { connectionTemplateValues } from "@/lib/connections/connection-values";
import { findConnection, listConnections, unsealFrom, upsertOAuthConnection } from "@/lib/connections/store";
import { getAccessToken } from "@/lib/connections/tokens";
import { callProvider } from "@/lib/tools/provider-call";
import { expandTemplate, getProvider, listProviders, type Provider } from "@/lib/providers";
import { startFakeOAuthProvider, type FakeOAuthConfig, type FakeOAuthProvider } from "@/e2e/fakes/oauth-provider";
import { createUser } from "../support/helpers";

/**
 * Every provider in the registry, connected end to end against one local fake configured from its
 * declaration: authorize -> callback -> token -> who am I -> refresh -> revoke for OAuth, and save
 * -> check -> delete for API keys. Adding a provider adds its test here.
 */

let fake: FakeOAuthProvider;

const placeholder: FakeOAuthConfig = {
  clientId: "x",
  clientSecret: "x",
  paths: { authorize: "/", token: "/", account: { path: "/", method: "GET" } },
  clientAuth: "client_secret_post",
  pkce: "optional",
  refresh: "none",
  tokenHeader: { name: "authorization", prefix: "Bearer " },
  account: {},
};

beforeAll(async () => {
  fake = await startFakeOAuthProvider(placeholder);
});
afterAll(() => fake.close());

/** The declaration's base URLs and settings pointed at the fake, through the variables a deployment sets. */
function pointAtFake(provider: Provider): void {
  for (const url of Object.values(provider.urls)) if (url.env) process.env[url.env] = fake.url;
  for (const setting of Object.values(provider.settings)) if (setting.default === undefined) process.env[setting.env] = setting.example ?? "acme";
}

/** A JSON value with `value` at the dotted path (`data.viewer.id`, `0.eventId`). */
function at(path: string, value: unknown, into: Record<string, unknown> = {}): Record<string, unknown> {
  const keys = path.split(".");
  let node = into;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return into;
}

/** What a few providers add to their token answers, as their docs show. */
function tokenExtras(providerId: string): Record<string, unknown> {
  switch (providerId) {
    case "salesforce":
      // The org's own instance: a base of its own, so the test sees its requests go there.
      return { instance_url: `${fake.url}/na1`, id: `${fake.url}/id/00Dxx0000001gPL/005xx000001Sv6A`, issued_at: "1733472000000", signature: "c2lnbmF0dXJl" };
    case "slack":
      return {
        ok: true,
        app_id: "A0KRD7HC3",
        bot_user_id: "U0KRQLJ9H",
        team: { id: "T9TK3CUKW", name: "Slack Softball Team" },
        authed_user: { id: "U1234", scope: "chat:write", access_token: "xoxp-1234", token_type: "user" },
      };
    case "notion":
      return {
        bot_id: "b3414d659-1224-5ty7-6ffr-cc9d8773drt601288f",
        workspace_id: "j565j4d7x3-2882-61bs-564a-jj9d9ui-c36hxfr7x",
        workspace_name: "Ada's Notion Workspace",
        workspace_icon: null,
        owner: { type: "user", user: { object: "user", id: "4d2d9f5c" } },
        duplicated_template_id: null,
      };
    case "mailchimp":
      return { expires_in: 0 };
    default:
      return {};
  }
}

const ATLASSIAN_CLOUD_ID = "1324a887-45db-1bf4-1e99-ef0ff456d421";

/** What a connection should keep from its token answer or discovery calls (the declaration's connectionValues), as the fake plays them. */
function expectedValues(providerId: string): Record<string, string> {
  switch (providerId) {
    case "salesforce":
      return { instance_url: `${fake.url}/na1` };
    case "mailchimp":
      return { dc: "us6", api_endpoint: `${fake.url}/us6` };
    case "atlassian":
      return { cloud_id: ATLASSIAN_CLOUD_ID };
    default:
      return {};
  }
}

const asTemplateValues = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [`connection.${name}`, value]));

/** What a provider's discovery endpoints answer, in their wire format (the account endpoint's answer aside). */
function discoveryAnswers(providerId: string): { resources?: Record<string, unknown>; account?: Record<string, unknown> } {
  switch (providerId) {
    case "atlassian":
      return {
        resources: {
          "/oauth/token/accessible-resources": [
            {
              id: ATLASSIAN_CLOUD_ID,
              url: "https://your-domain.atlassian.net",
              name: "your-domain",
              scopes: ["read:jira-work", "write:jira-work"],
              avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png",
            },
          ],
        },
      };
    case "mailchimp":
      // /oauth2/metadata is also who the account is.
      return { account: { dc: "us6", role: "owner", login_url: "https://login.mailchimp.com", api_endpoint: `${fake.url}/us6` } };
    default:
      return {};
  }
}

function fakeConfig(provider: Provider, account: unknown): FakeOAuthConfig {
  const oauth2 = provider.oauth2!;
  const path = (template: string) =>
    new URL(expandTemplate(provider, template, { clientId: `${provider.id}-client`, ...asTemplateValues(expectedValues(provider.id)) })).pathname;
  const accountRequest = provider.account!.request;
  return {
    clientId: `${provider.id}-client`,
    clientSecret: `${provider.id}-secret`,
    paths: {
      authorize: path(oauth2.authorizeUrl),
      token: path(oauth2.tokenUrl),
      refresh: oauth2.refreshUrl && path(oauth2.refreshUrl),
      account: { path: path(accountRequest.url), method: accountRequest.method },
      revoke: oauth2.revoke && { path: path(oauth2.revoke.url), method: oauth2.revoke.method, style: oauth2.revoke.style },
    },
    clientAuth: oauth2.clientAuth,
    pkce: oauth2.pkce ? "required" : "optional",
    refresh: oauth2.tokens.refresh,
    expiresIn: oauth2.tokens.expires ? 3600 : undefined,
    tokenType: oauth2.tokenTypeOptional ? undefined : provider.id === "slack" ? "bot" : "Bearer",
    nullScope: provider.id === "mailchimp",
    extra: tokenExtras(provider.id),
    tokenHeader: { name: oauth2.tokenHeader?.name ?? "authorization", prefix: oauth2.tokenHeader?.prefix ?? "Bearer " },
    account: { ...(account as object), ...discoveryAnswers(provider.id).account },
    resources: {
      ...discoveryAnswers(provider.id).resources,
      // A call at the connection's API base answers this, so the test sees where requests go.
      ...(Object.keys(provider.connectionValues).length > 0 && { [path(`${provider.apiBaseUrl}/probe`)]: { probe: provider.id } }),
    },
  };
}

const oauthProviders = listProviders().filter((provider) => provider.oauth2 && provider.account);
const apiKeyProviders = listProviders().filter((provider) => provider.apiKey?.check);

describe("the catalog", () => {
  it("declares at least 30 services to connect and 20 webhook sources", () => {
    expect(listProviders().filter((provider) => provider.oauth2 || provider.apiKey).length).toBeGreaterThanOrEqual(30);
    expect(listProviders().filter((provider) => provider.webhooks).length).toBeGreaterThanOrEqual(20);
    // Every OAuth provider says who is connected, so a second account is told apart from the first.
    expect(listProviders().filter((provider) => provider.oauth2 && !provider.account)).toEqual([]);
  });
});

describe.each(oauthProviders.map((provider) => [provider.id]))("OAuth: %s against the fake", (providerId) => {
  it("authorizes, exchanges the code, asks who it is, refreshes, and revokes", async () => {
    const provider = getProvider(providerId)!;
    const oauth2 = provider.oauth2!;
    pointAtFake(provider);
    const { id: idPath, label: labelPath, labelPrefix } = provider.account!;
    // HubSpot names its account by the id alone (portalId): then the label is the id.
    const label = labelPath === idPath ? `account-${providerId}` : `Label of ${providerId}`;
    const accountBody = at(labelPath, label, at(idPath, `account-${providerId}`));
    const config = fakeConfig(provider, accountBody);
    fake.configure(config);
    process.env[oauth2.clientIdEnv] = config.clientId;
    process.env[oauth2.clientSecretEnv] = config.clientSecret;
    const user = await createUser();

    // Authorize: the declared endpoint, scopes with the declared separator, PKCE where declared, extra parameters.
    const authorizeUrl = await beginAuthorization(user.id, providerId);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(fake.url + config.paths.authorize);
    expect(authorizeUrl.searchParams.get("scope")).toBe(oauth2.scopes.length > 0 ? oauth2.scopes.join(oauth2.scopeSeparator) : null);
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe(oauth2.pkce ? "S256" : null);
    for (const [name, value] of Object.entries(oauth2.authorizeParams)) expect(authorizeUrl.searchParams.get(name)).toBe(value);
    const consent = new URLSearchParams(authorizeUrl.searchParams);
    consent.set("decision", "approve");
    const approved = await fetch(authorizeUrl.origin + authorizeUrl.pathname, { method: "POST", body: consent, redirect: "manual" });
    expect(approved.status).toBe(302);

    // Callback -> token (with the declared client authentication) -> who am I.
    const { connection } = await completeAuthorization(user.id, providerId, new URL(approved.headers.get("location")!));
    expect(fake.tokenRequests.at(-1)).toMatchObject({ grantType: "authorization_code", clientAuth: oauth2.clientAuth });
    expect(connection).toMatchObject({ providerId, accountId: `account-${providerId}`, accountLabel: `${labelPrefix}${label}`, status: "active" });
    const firstAccess = fake.issued.at(-1)!;
    expect(unsealFrom(connection.id, "access_token", connection.accessTokenSealed!)).toBe(firstAccess);
    expect(connection.expiresAt === null).toBe(!oauth2.tokens.expires);
    expect(connection.refreshTokenSealed === null).toBe(oauth2.tokens.refresh === "none");

    // Refresh, once the token is due: rotating refresh tokens replace the stored one, reused ones stay.
    // (Salesforce answers no expires_in but does refresh: its token is made due here as a session timeout would.)
    if (oauth2.tokens.expires || oauth2.tokens.refresh !== "none")
      await db()
        .update(connections)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(connections.id, connection.id));
    const firstRefresh = connection.refreshTokenSealed && unsealFrom(connection.id, "refresh_token", connection.refreshTokenSealed);
    const { accessToken } = await getAccessToken(user.id, providerId);
    const refreshed = (await findConnection(user.id, connection.id))!;
    if (oauth2.tokens.refresh === "none") {
      // Nothing to refresh with, and nothing expires: the token is used as it is until the provider refuses it.
      expect(accessToken).toBe(firstAccess);
      expect(fake.tokenRequests.at(-1)!.grantType).toBe("authorization_code");
    } else {
      expect(fake.tokenRequests.at(-1)).toMatchObject({ grantType: "refresh_token", clientAuth: oauth2.clientAuth });
      expect(accessToken).toBe(fake.issued.at(-1));
      expect(accessToken).not.toBe(firstAccess);
      expect(refreshed.status).toBe("active");
      const storedRefresh = unsealFrom(connection.id, "refresh_token", refreshed.refreshTokenSealed!);
      expect(fake.liveRefreshTokens.has(storedRefresh)).toBe(true);
      expect(storedRefresh === firstRefresh).toBe(oauth2.tokens.refresh === "reused");
      expect(fake.liveRefreshTokens.has(firstRefresh!)).toBe(oauth2.tokens.refresh === "reused");
    }

    // What the connection keeps from its token answer or discovery calls, and its requests going to that base.
    const values = expectedValues(providerId);
    expect(connection.connectionValues ?? {}).toEqual(values);
    expect(connection.connectionValuesSealed).toBeNull();
    if (Object.keys(values).length > 0) {
      const probe = await callProvider(user.id, providerId, { path: "/probe" });
      expect(probe).toMatchObject({ status: 200, body: { probe: providerId } });
    }

    // Who am I, with the live token where the provider wants it.
    const whoAmI = { "token.instance_url": fake.url, ...asTemplateValues(values) };
    expect(await providerRequest(provider, provider.account!.request, { accessToken }, whoAmI)).toEqual(config.account);

    // Revoke where the provider can; either way the connection and its tokens are gone.
    const result = await disconnect(user.id, connection.id);
    if (oauth2.revoke?.style === "refresh-token-path") {
      // HubSpot deletes the refresh token named in the path: it no longer refreshes.
      const storedRefresh = unsealFrom(connection.id, "refresh_token", refreshed.refreshTokenSealed!);
      expect(result).toMatchObject({ revoked: true, message: "Disconnected and revoked." });
      expect(fake.revoked.has(storedRefresh)).toBe(true);
      expect(fake.liveRefreshTokens.has(storedRefresh)).toBe(false);
      const again = await fetch(`${fake.url}${config.paths.revoke!.path}/${encodeURIComponent(storedRefresh)}`, { method: "DELETE" });
      expect(again.status).toBe(400);
    } else if (oauth2.revoke) {
      expect(result).toMatchObject({ revoked: true, message: "Disconnected and revoked." });
      expect(fake.revoked.has(accessToken)).toBe(true);
      await expect(providerRequest(provider, provider.account!.request, { accessToken }, whoAmI)).rejects.toThrow(/HTTP 401/);
    } else {
      expect(result.revoked).toBe(false);
      expect(result.message).toMatch(/offers no revocation endpoint/);
    }
    expect(await listConnections(user.id)).toEqual([]);
  });
});

describe.each(apiKeyProviders.map((provider) => [provider.id]))("API key: %s against the fake", (providerId) => {
  it("checks the key where the provider wants it, saves it sealed, refuses a wrong one, and deletes it", async () => {
    const provider = getProvider(providerId)!;
    const apiKey = provider.apiKey!;
    pointAtFake(provider);
    const check = apiKey.check!;
    const checkUrl = new URL(expandTemplate(provider, check.url));
    const placement = apiKey.placement;
    fake.configure({
      ...placeholder,
      paths: { ...placeholder.paths, account: { path: checkUrl.pathname, method: check.method } },
      tokenHeader: placement.in === "header" ? { name: placement.name, prefix: placement.prefix } : placeholder.tokenHeader,
      tokenQuery: placement.in === "query" ? placement.name : undefined,
      account: { ok: true },
    });
    const key = `${providerId}-key-0123456789abcdef`;
    fake.accept(key);
    const user = await createUser();

    await expect(saveApiKey(user.id, providerId, `${providerId}-wrong-key-000000`)).rejects.toThrow();
    expect(await listConnections(user.id)).toEqual([]);

    const saved = await saveApiKey(user.id, providerId, key);
    expect(saved).toMatchObject({ providerId, authKind: "api_key", apiKeyLast4: "cdef", status: "active" });
    expect(saved.apiKeySealed).not.toContain(key);
    expect(unsealFrom(saved.id, "api_key", saved.apiKeySealed!)).toBe(key);
    expect(await providerRequest(provider, check, { apiKey: key })).toEqual({ ok: true });

    expect((await disconnect(user.id, saved.id)).message).toBe("Disconnected.");
    expect(await listConnections(user.id)).toEqual([]);
  });
});

describe("values a connection keeps are checked before they are kept", () => {
  it.each([
    ["salesforce", "an http instance elsewhere", { extra: { instance_url: "http://na1.example.com" } }],
    ["salesforce", "an instance URL with a query", { extra: { instance_url: "https://na1.example.com/?next=x" } }],
    ["salesforce", "no instance URL", { extra: { instance_url: 42 } }],
    ["atlassian", "a cloud id that is not one", { resources: { "/oauth/token/accessible-resources": [{ id: "../../admin" }] } }],
    ["atlassian", "no site at all", { resources: { "/oauth/token/accessible-resources": [] } }],
  ])("%s: %s refuses the connection, and nothing is saved", async (providerId, _what, quirk) => {
    const provider = getProvider(providerId)!;
    pointAtFake(provider);
    const config = fakeConfig(provider, at(provider.account!.label, "someone", at(provider.account!.id, "account-1")));
    fake.configure({
      ...config,
      extra: { ...config.extra, ...("extra" in quirk ? quirk.extra : {}) },
      resources: { ...config.resources, ...("resources" in quirk ? quirk.resources : {}) },
    });
    process.env[provider.oauth2!.clientIdEnv] = config.clientId;
    process.env[provider.oauth2!.clientSecretEnv] = config.clientSecret;
    const user = await createUser();
    const authorizeUrl = await beginAuthorization(user.id, providerId);
    const consent = new URLSearchParams(authorizeUrl.searchParams);
    consent.set("decision", "approve");
    const approved = await fetch(authorizeUrl.origin + authorizeUrl.pathname, { method: "POST", body: consent, redirect: "manual" });
    await expect(completeAuthorization(user.id, providerId, new URL(approved.headers.get("location")!))).rejects.toMatchObject({
      failure: "account_error",
      message: expect.stringMatching(/would not say where this account lives/),
    });
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("keeps a secret value sealed, and gives it back to the connection's templates", async () => {
    const user = await createUser();
    const saved = await upsertOAuthConnection(
      user.id,
      "salesforce",
      { id: "sealed-values", label: null, avatar: null },
      { accessToken: "at-1", scopes: "api", values: { plain: { instance_url: "https://na1.example.com" }, secret: { signing_key: "s3cr3t-value" } } },
    );
    expect(saved.connectionValues).toEqual({ instance_url: "https://na1.example.com" });
    expect(saved.connectionValuesSealed).toMatch(/^v1\./);
    expect(saved.connectionValuesSealed).not.toContain("s3cr3t-value");
    expect(connectionTemplateValues(saved)).toEqual({ "connection.instance_url": "https://na1.example.com", "connection.signing_key": "s3cr3t-value" });
  });
});
