import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import * as endpointRoute from "@/app/api/webhooks/[provider]/[endpointId]/route";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookDeliveries } from "@/db/schema";
import { createLocalUser } from "@/lib/auth/users";
import type { Actor } from "@/lib/platform";
import { resetEnvCache } from "@/lib/platform/env";
import { createEndpoint, rotateEndpointSecret } from "@/lib/webhooks/endpoints";
import { githubHeaders, pushPayload, slackHeaders, standardHeaders, stripeHeaders } from "../support/signers";

const GITHUB_SECRET = "instance-github-secret";
/** The instance's owner, in the default workspace: the instance-wide URLs deliver there. */
let owner: Actor;

function post(path: string, body: string | Uint8Array | ReadableStream, headers: Record<string, string>): Promise<Response> {
  const [, , , provider, endpointId] = path.split("/");
  const request = new Request(`http://localhost:3000${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return endpointId
    ? endpointRoute.POST(request, { params: Promise.resolve({ provider: provider!, endpointId }) })
    : instanceRoute.POST(request, { params: Promise.resolve({ provider: provider! }) });
}

function send(method: string, path: string): Promise<Response> {
  const [, , , provider, endpointId] = path.split("/");
  const request = new Request(`http://localhost:3000${path}`, { method, body: method === "GET" ? undefined : "{}" });
  const route = (endpointId ? endpointRoute : instanceRoute) as unknown as Record<string, (request: Request, context: unknown) => Promise<Response>>;
  const handler = route[method];
  if (!handler) throw new Error(`the route module exports no ${method} handler`);
  return handler(request, { params: Promise.resolve({ provider, endpointId }) });
}

function rows() {
  return db().select().from(webhookDeliveries).where(eq(webhookDeliveries.workspaceId, DEFAULT_WORKSPACE_ID));
}

beforeAll(async () => {
  const ownerId = (await createLocalUser({ name: "Owner", email: "owner-intake@example.com", password: "a long enough password" }, "owner", true)).id;
  owner = { userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID };
  process.env.GITHUB_WEBHOOK_SECRET = GITHUB_SECRET;
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_instance_stripe";
  process.env.SLACK_SIGNING_SECRET = "slack-signing-secret";
  process.env.WEBHOOK_MAX_BYTES = String(64 * 1024);
  process.env.WEBHOOK_REJECTED_CAP = "10";
  resetEnvCache();
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("intake", () => {
  it("stores a signed GitHub push before acknowledging it", async () => {
    const body = pushPayload();
    const response = await post("/api/webhooks/github", body, await githubHeaders(GITHUB_SECRET, body, "push", "d-1"));
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { received: boolean; id: number };
    expect(answer.received).toBe(true);
    const [row] = await rows();
    expect(row).toMatchObject({
      id: answer.id,
      providerId: "github",
      event: "push",
      deliveryId: "d-1",
      repository: "octocat/hello-world",
      verified: true,
      status: "received",
    });
    expect(row!.body).toBe(body);
    expect(row!.headers["x-hub-signature-256"]).toBe("[redacted]");
    expect(row!.headers["x-github-event"]).toBe("push");
  });

  it("recognises a redelivery and does not store or process it twice", async () => {
    const body = pushPayload();
    const headers = await githubHeaders(GITHUB_SECRET, body, "push", "same-delivery");
    expect((await post("/api/webhooks/github", body, headers)).status).toBe(202);
    const again = await post("/api/webhooks/github", body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(await rows()).toHaveLength(1);
  });

  it("accepts GitHub's form-encoded payload= bodies", async () => {
    const json = JSON.stringify({ zen: "Design for failure.", hook_id: 1 });
    const body = new URLSearchParams({ payload: json }).toString();
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body, "ping")), "content-type": "application/x-www-form-urlencoded" };
    expect((await post("/api/webhooks/github", body, headers)).status).toBe(202);
    expect((await rows())[0]).toMatchObject({ event: "ping", status: "received" });
  });

  it.each([
    ["no signature", async () => ({ "content-type": "application/json", "x-github-event": "push" }), 400, "missing X-Hub-Signature-256 header"],
    ["a bad signature", async (body: string) => githubHeaders("wrong-secret", body), 401, "signature does not match the secret"],
  ])("refuses %s, and logs the refusal with its reason", async (_label, headers, status, reason) => {
    const body = pushPayload();
    const response = await post("/api/webhooks/github", body, await headers(body));
    expect(response.status).toBe(status);
    const [row] = await rows();
    expect(row).toMatchObject({ status: "rejected", verified: false, reason });
  });

  it("keeps a validly signed but unparseable payload, with the reason, and answers 400", async () => {
    const body = "{not json";
    const response = await post("/api/webhooks/github", body, await githubHeaders(GITHUB_SECRET, body));
    expect(response.status).toBe(400);
    expect((await rows())[0]).toMatchObject({ status: "rejected", verified: true });
    expect((await rows())[0]!.reason).toMatch(/^valid signature but unparseable payload/);
  });

  it("answers 413 on a declared Content-Length over WEBHOOK_MAX_BYTES without reading the body", async () => {
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(16 * 1024).fill(120));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 }, // nothing is pulled until someone reads
    );
    const headers = { ...(await githubHeaders(GITHUB_SECRET, "{}")), "content-length": String(64 * 1024 + 1) };
    const response = await post("/api/webhooks/github", body, headers);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(pulled).toBe(0);
    expect(cancelled).toBe(true);
    const [row] = await rows();
    expect(row).toMatchObject({ status: "rejected", bodyBytes: 64 * 1024 + 1, body: "" });
    expect(row!.reason).toMatch(/larger than WEBHOOK_MAX_BYTES/);
  });

  it("answers 413 while streaming a body over WEBHOOK_MAX_BYTES, and logs the first 8 KB", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(16 * 1024).fill(120));
      },
    });
    const streamed = await post("/api/webhooks/github", stream, { "content-type": "application/json", "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10); // stopped reading soon after the cap, not after 16 MB
    const [row] = await rows();
    expect(row).toMatchObject({ status: "rejected", bodyTruncated: true });
    expect(row!.reason).toMatch(/larger than WEBHOOK_MAX_BYTES/);
    expect(row!.body).toBe("x".repeat(8192));
  });

  it("answers 404 for an unknown provider, an unknown endpoint, and an unconfigured instance URL", async () => {
    const body = "{}";
    expect((await post("/api/webhooks/nope", body, {})).status).toBe(404);
    expect((await post("/api/webhooks/openweather", body, {})).status).toBe(404);
    expect((await post("/api/webhooks/github/we_doesnotexist0000", body, await githubHeaders(GITHUB_SECRET, body))).status).toBe(404);
    expect((await post("/api/webhooks/standard", body, {})).status).toBe(404); // STANDARD_WEBHOOKS_SECRET unset
    expect(await rows()).toHaveLength(0);
  });

  it("answers 405 with Allow: POST to other methods, at both URLs", async () => {
    const { endpoint } = await createEndpoint(owner, { providerId: "github", description: "405", events: [] });
    for (const path of ["/api/webhooks/github", `/api/webhooks/github/${endpoint.id}`]) {
      for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
        const response = await send(method, path);
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
        expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: "Webhook URLs accept POST only." } });
      }
    }
    expect(await rows()).toHaveLength(0);
  });

  it("dedupes deliveries without a delivery id by a hash of the body: different bodies are kept, identical ones are redeliveries", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-24T10:00:00Z")); // same time, same length: the old key collided
    const withoutId = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "x-github-delivery"));
    const sign = async (body: string) => withoutId(await githubHeaders(GITHUB_SECRET, body, "push"));
    const first = '{"zen":"aaaa"}';
    const second = '{"zen":"bbbb"}';
    expect((await post("/api/webhooks/github", first, await sign(first))).status).toBe(202);
    expect((await post("/api/webhooks/github", second, await sign(second))).status).toBe(202);
    const again = await post("/api/webhooks/github", first, await sign(first));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    const stored = await rows();
    expect(stored.map((row) => row.body).sort()).toEqual([first, second]);
    expect(stored.every((row) => row.deliveryId === null && /:sha256:[0-9a-f]{64}$/.test(row.dedupeKey!))).toBe(true);

    // The same bytes at another endpoint are a different delivery.
    const { endpoint, secret } = await createEndpoint(owner, { providerId: "github", description: "dedupe", events: [] });
    expect((await post(`/api/webhooks/github/${endpoint.id}`, first, withoutId(await githubHeaders(secret, first, "push")))).status).toBe(202);
  });

  it("caps refusals per endpoint so garbage cannot fill the disk", async () => {
    for (let index = 0; index < 15; index++) await post("/api/webhooks/github", `garbage ${index}`, { "x-hub-signature-256": "nope" });
    const kept = await rows();
    expect(kept).toHaveLength(10);
    expect(kept.map((row) => row.body)).toContain("garbage 14");
    expect(kept.map((row) => row.body)).not.toContain("garbage 0");
  });

  it("verifies Stripe, Slack (answering the url_verification challenge) and Standard Webhooks", async () => {
    const stripeBody = JSON.stringify({ id: "evt_123", object: "event", type: "invoice.paid", data: { object: {} } });
    expect((await post("/api/webhooks/stripe", stripeBody, stripeHeaders("whsec_instance_stripe", stripeBody))).status).toBe(202);

    const challenge = JSON.stringify({ token: "t", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    const answered = await post("/api/webhooks/slack", challenge, slackHeaders("slack-signing-secret", challenge));
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
    const unsigned = await post("/api/webhooks/slack", challenge, { "content-type": "application/json" });
    expect(unsigned.status).toBe(400);

    const endpointSecret = `whsec_${Buffer.from("standard endpoint secret bytes!!").toString("base64")}`;
    const { endpoint } = await createEndpoint(owner, { providerId: "standard", description: "Resend", events: [], secret: endpointSecret });
    const standardBody = JSON.stringify({ type: "email.delivered", data: {} });
    expect((await post(`/api/webhooks/standard/${endpoint.id}`, standardBody, standardHeaders(endpointSecret, standardBody))).status).toBe(202);

    const statuses = (await rows()).map((row) => [row.providerId, row.event, row.status]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        ["stripe", "invoice.paid", "received"],
        ["slack", "url_verification", "processed"],
        ["slack", null, "rejected"],
        ["standard", "email.delivered", "received"],
      ]),
    );
  });

  it("uses an endpoint's own secret, and its previous one during the grace period after a rotation", async () => {
    const { endpoint, secret } = await createEndpoint(owner, { providerId: "github", description: "repo hook", events: ["push"] });
    const body = pushPayload();
    expect((await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(secret, body))).status).toBe(202);
    expect((await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(GITHUB_SECRET, body))).status).toBe(401);
    const rotated = (await rotateEndpointSecret(owner.workspaceId, endpoint.id))!;
    expect((await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(rotated, body))).status).toBe(202);
    expect((await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(secret, body))).status).toBe(202);
    expect((await post(`/api/webhooks/stripe/${endpoint.id}`, body, await githubHeaders(secret, body))).status).toBe(404);
  });
});
