import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as mcpRoute from "@/app/api/mcp/route";
import { startFakeOpenWeather, type FakeOpenWeather } from "@/e2e/fakes/openweather";
import { startFakeStripe, type FakeStripe } from "@/e2e/fakes/stripe";
import { createAccessToken } from "@/lib/auth/access-tokens";
import { removeUser } from "@/lib/auth/users";
import { resolveApiKey, saveApiKey } from "@/lib/connections/api-keys";
import { readiness } from "@/lib/connections/credentials";
import { ConnectionError } from "@/lib/connections/errors";
import { listInstanceKeyShares, shareInstanceKey, stopSharingInstanceKey } from "@/lib/connections/instance-keys";
import { providerCards } from "@/lib/connections/overview";
import { resetEnvCache } from "@/lib/platform/env";
import type { Actor } from "@/lib/platform";
import { runTool } from "@/lib/runs/tool-runs";
import { saveImport } from "@/lib/openapi/store";
import { deleteRegistered, registerStripeEndpoint } from "@/lib/webhooks/registration";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { createUser } from "../support/helpers";
import { startRouteServer, type RouteServer } from "../support/route-server";

/**
 * Issue 23, item 1: the instance-wide keys (STRIPE_API_KEY, OPENWEATHER_API_KEY, SLACK_BOT_TOKEN,
 * ...) are the owners'. A member acts with one only while an owner shares it, on every path:
 * provider tools, Stripe webhook registration, imported tools bound to "one of my connections",
 * and MCP. Stopping sharing takes effect at the next use.
 */

const STRIPE_INSTANCE_KEY = "sk_test_instance_owner_0000000000";
const WEATHER_INSTANCE_KEY = "0000aaaa0000aaaa0000aaaa0000aaaa";
const MEMBER_WEATHER_KEY = "1111bbbb1111bbbb1111bbbb1111bbbb";

let stripe: FakeStripe;
let weather: FakeOpenWeather;
let app: RouteServer;

/** A small description whose server is Stripe's API, bound to a Stripe connection (the attack in the review). */
const stripeDescription = JSON.stringify({
  openapi: "3.1.0",
  info: { title: "Stripe lite", version: "1" },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  security: [{ bearer: [] }],
  paths: {
    "/v1/customers": { get: { operationId: "listCustomers", responses: { "200": { description: "customers" } } } },
    "/v1/refunds": {
      post: {
        operationId: "createRefund",
        requestBody: {
          content: {
            "application/x-www-form-urlencoded": {
              schema: { type: "object", properties: { charge: { type: "string" }, amount: { type: "integer" } }, required: ["charge"] },
            },
          },
        },
        responses: { "200": { description: "refund" } },
      },
    },
  },
});

beforeAll(async () => {
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  [stripe, weather] = await Promise.all([startFakeStripe(), startFakeOpenWeather(0, [WEATHER_INSTANCE_KEY, MEMBER_WEATHER_KEY])]);
  app = await startRouteServer({ "/api/mcp": mcpRoute });
  process.env.APP_URL = app.url;
  resetEnvCache();
});
afterAll(async () => {
  await Promise.all([stripe.close(), weather.close(), app.close()]);
});
beforeEach(() => {
  Object.assign(process.env, {
    STRIPE_API_URL: stripe.url,
    STRIPE_API_KEY: STRIPE_INSTANCE_KEY,
    OPENWEATHER_API_URL: weather.url,
    OPENWEATHER_API_KEY: WEATHER_INSTANCE_KEY,
  });
});
afterEach(() => {
  for (const name of ["STRIPE_API_URL", "STRIPE_API_KEY", "OPENWEATHER_API_URL", "OPENWEATHER_API_KEY"]) delete process.env[name];
});

async function people(name: string) {
  return { owner: await createUser(`${name}-owner`, "owner"), member: await createUser(`${name}-member`) };
}

/** Whether Stripe has seen the instance key since `from` requests. */
const stripeSawInstanceKey = (from: number) => stripe.requests.slice(from).some((request) => request.key === STRIPE_INSTANCE_KEY);

describe("resolveApiKey and the provider tools built on it", () => {
  it("gives the instance key to owners, and to a member only while an owner shares it", async () => {
    const { owner, member } = await people("resolve");
    expect(await resolveApiKey(owner.id, "openweather")).toEqual({ apiKey: WEATHER_INSTANCE_KEY, source: "environment", connectionId: "environment" });

    const refused = await resolveApiKey(member.id, "openweather").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as ConnectionError).code).toBe("instance_key_not_shared");
    expect((refused as ConnectionError).message).toBe(
      "No OpenWeather API key of yours: add one on the Connections page, or ask an owner to share this instance's OpenWeather key with members.",
    );
    expect((refused as ConnectionError).message).not.toContain(WEATHER_INSTANCE_KEY);
    expect(await readiness(member.id, "openweather")).toEqual({
      ready: false,
      reason: "Add your OpenWeather API key or ask an owner to share the instance's key first",
    });

    const before = weather.requests.length;
    const run = await runTool(member, "get-weather", { location: "London" });
    expect(run.status).toBe("failed");
    expect(run.error).toContain("ask an owner to share this instance's OpenWeather key");
    expect(weather.requests.length).toBe(before);

    await expect(shareInstanceKey(member.id, "openweather")).rejects.toThrow("Only an owner can share the instance's keys with members.");
    await shareInstanceKey(owner.id, "openweather");
    expect(await resolveApiKey(member.id, "openweather")).toEqual({ apiKey: WEATHER_INSTANCE_KEY, source: "environment", connectionId: "environment" });
    const shared = await runTool(member, "get-weather", { location: "London" });
    expect(shared.status).toBe("succeeded");
    expect(shared.accounts).toEqual([{ providerId: "openweather", connectionId: "environment", label: "instance-wide key" }]);
    expect(weather.requests.at(-1)).toMatchObject({ q: "London" }); // the fake accepts only the instance key and the member's own, which they have not added yet

    expect(await stopSharingInstanceKey(owner.id, "openweather")).toBe(true);
    await expect(resolveApiKey(member.id, "openweather")).rejects.toThrow(/ask an owner to share/);
    expect((await runTool(member, "get-weather", { location: "Paris" })).status).toBe("failed");
    expect((await runTool(owner, "get-weather", { location: "Paris" })).status).toBe("succeeded");

    // A member's own key is theirs whatever is shared.
    await saveApiKey(member.id, "openweather", MEMBER_WEATHER_KEY, { unchecked: true });
    expect(await resolveApiKey(member.id, "openweather")).toMatchObject({ apiKey: MEMBER_WEATHER_KEY, source: "user" });
  });

  it("shares the key as it is: a key replaced in the environment is not shared until an owner shares it again", async () => {
    const { owner, member } = await people("replaced");
    await shareInstanceKey(owner.id, "openweather");
    expect((await listInstanceKeyShares()).find((share) => share.providerId === "openweather")).toMatchObject({
      sharedBy: expect.stringMatching(/^replaced-owner/),
      current: true,
    });
    process.env.OPENWEATHER_API_KEY = "2222cccc2222cccc2222cccc2222cccc";
    await expect(resolveApiKey(member.id, "openweather")).rejects.toThrow(/ask an owner to share/);
    expect((await listInstanceKeyShares()).find((share) => share.providerId === "openweather")).toMatchObject({ current: false });
    expect(await resolveApiKey(owner.id, "openweather")).toMatchObject({ source: "environment", connectionId: "environment" });
    await stopSharingInstanceKey(owner.id, "openweather");
  });

  it("ends the shares an owner made when that owner is removed", async () => {
    const { owner, member } = await people("removed");
    const other = await createUser("removed-other-owner", "owner");
    await shareInstanceKey(owner.id, "openweather");
    expect((await resolveApiKey(member.id, "openweather")).source).toBe("environment");
    await removeUser(other.id, owner.id);
    await expect(resolveApiKey(member.id, "openweather")).rejects.toThrow(/ask an owner to share/);
  });

  it("tells each person on the Connections page what they can use", async () => {
    const { owner, member } = await people("cards");
    const weatherCard = async (userId: string) => (await providerCards(userId)).find((card) => card.id === "openweather")!.apiKey!;
    expect(await weatherCard(owner.id)).toMatchObject({ instanceKey: "usable", share: undefined });
    expect(await weatherCard(member.id)).toMatchObject({ instanceKey: "not_shared" });
    await shareInstanceKey(owner.id, "openweather");
    expect(await weatherCard(member.id)).toMatchObject({ instanceKey: "usable", share: { current: true } });
    await stopSharingInstanceKey(owner.id, "openweather");
    delete process.env.OPENWEATHER_API_KEY;
    expect(await weatherCard(member.id)).toMatchObject({ instanceKey: "unset" });
    await expect(resolveApiKey(member.id, "openweather")).rejects.toThrow("No OpenWeather API key: add yours on the Connections page.");
    await expect(resolveApiKey(owner.id, "openweather")).rejects.toThrow(
      "No OpenWeather API key: add one on the Connections page, or set OPENWEATHER_API_KEY on this instance.",
    );
  });
});

describe("registering a Stripe webhook endpoint", () => {
  it("refuses a member without a key of their own, unless an owner shares the instance key", async () => {
    const { owner, member } = await people("stripe-hook");
    const before = stripe.requests.length;
    const refused = await registerStripeEndpoint(member, ["invoice.paid"]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as Error).message).toBe(
      "No Stripe API key of yours: add one on the Connections page, or ask an owner to share this instance's Stripe key with members.",
    );
    expect(stripe.requests.length).toBe(before);
    expect(await listEndpoints(member.workspaceId)).toEqual([]);

    await shareInstanceKey(owner.id, "stripe");
    const endpoint = await registerStripeEndpoint(member, ["invoice.paid"]);
    expect(endpoint.remoteTarget).toBe("Stripe account (instance key)");
    expect(stripe.endpoints.has(endpoint.remoteHookId!)).toBe(true);
    await deleteRegistered(member, endpoint.id);

    await stopSharingInstanceKey(owner.id, "stripe");
    const after = stripe.requests.length;
    await expect(registerStripeEndpoint(member, ["invoice.paid"])).rejects.toThrow(/ask an owner to share/);
    expect(stripeSawInstanceKey(after)).toBe(false);

    const owners = await registerStripeEndpoint(owner, ["invoice.paid"]);
    expect(stripe.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/webhook_endpoints", key: STRIPE_INSTANCE_KEY });
    await deleteRegistered(owner, owners.id);
  });
});

describe("imported tools bound to one of my connections", () => {
  it("never send the instance key for a member, until an owner shares it and after they stop", async () => {
    const { owner, member } = await people("imported");
    const source = { kind: "text" as const, text: stripeDescription };
    const auth = { kind: "connection" as const, scheme: "bearer", providerId: "stripe" };
    await saveImport(member.workspaceId, { source, serverUrl: stripe.url, auth });
    await saveImport(owner.workspaceId, { source, serverUrl: stripe.url, auth });

    const before = stripe.requests.length;
    const list = await runTool(member, "stripe-lite.listCustomers", {});
    expect(list.status).toBe("failed");
    expect(list.error).toContain("ask an owner to share this instance's Stripe key");
    const refund = await runTool(member, "stripe-lite.createRefund", { body: { charge: "ch_1", amount: 5000 } });
    expect(refund.status).toBe("failed");
    expect(stripe.requests.length).toBe(before);

    await shareInstanceKey(owner.id, "stripe");
    const shared = await runTool(member, "stripe-lite.listCustomers", {});
    expect(shared.status).toBe("succeeded");
    expect(stripe.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/customers", key: STRIPE_INSTANCE_KEY });

    await stopSharingInstanceKey(owner.id, "stripe");
    const after = stripe.requests.length;
    expect((await runTool(member, "stripe-lite.listCustomers", {})).status).toBe("failed");
    expect(stripeSawInstanceKey(after)).toBe(false);
    expect((await runTool(owner, "stripe-lite.listCustomers", {})).status).toBe("succeeded");
  });
});

describe("MCP tool calls", () => {
  async function mcpClient(actor: Actor) {
    const { token } = await createAccessToken(actor, { name: "instance-key test", scope: "write" });
    const client = new McpClient({ name: "instance-key-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL("/api/mcp", app.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  }

  it("offer and run a member's Stripe tools with the instance key only while it is shared", async () => {
    const { owner, member } = await people("mcp");
    await saveImport(member.workspaceId, {
      source: { kind: "text", text: stripeDescription },
      serverUrl: stripe.url,
      auth: { kind: "connection", scheme: "bearer", providerId: "stripe" },
    });
    const client = await mcpClient(member);
    try {
      const before = stripe.requests.length;
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain("stripe-lite_createRefund");
      const refused = await client.callTool({ name: "stripe-lite_createRefund", arguments: { body: { charge: "ch_1", amount: 5000 } } });
      expect(refused.isError).toBe(true);
      expect(stripe.requests.length).toBe(before);

      await shareInstanceKey(owner.id, "stripe");
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("stripe-lite_createRefund");
      const refunded = await client.callTool({ name: "stripe-lite_createRefund", arguments: { body: { charge: "ch_1", amount: 5000 } } });
      expect(refunded.isError).toBeFalsy();
      expect(stripe.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/refunds", key: STRIPE_INSTANCE_KEY });

      await stopSharingInstanceKey(owner.id, "stripe");
      const after = stripe.requests.length;
      expect((await client.callTool({ name: "stripe-lite_listCustomers", arguments: {} })).isError).toBe(true);
      expect(stripeSawInstanceKey(after)).toBe(false);
    } finally {
      await client.close();
    }
  });
});
