import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookDeliveries } from "@/db/schema";
import { createLocalUser } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { handleIntake, intakeTarget } from "@/lib/webhooks/node-intake";
import { senders, webhookUrl, type Sender } from "../support/webhook-senders";

/**
 * The webhook sources through intake at their instance-wide URLs (POST /api/webhooks/<id>, secret
 * in <ID>_WEBHOOK_SECRET): a signed delivery is stored with the event name read from where the
 * sender puts it, a forged one is refused, and the senders' handshakes get the answers they expect.
 */

function post(sender: Sender, body: string, headers: Record<string, string>): Promise<Response> {
  const request = new Request(webhookUrl(sender.id), { method: "POST", body, headers: { "content-type": sender.contentType, ...headers } });
  return instanceRoute.POST(request, { params: Promise.resolve({ provider: sender.id }) });
}

function rows() {
  // Instance-wide URLs deliver to the default workspace.
  return db().select().from(webhookDeliveries).where(eq(webhookDeliveries.workspaceId, DEFAULT_WORKSPACE_ID));
}

const byId = (id: string) => senders.find((sender) => sender.id === id)!;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  void (await createLocalUser({ name: "Owner", email: "owner-sources@example.com", password: "a long enough password" }, "owner", true)).id;
  for (const sender of senders) process.env[`${sender.id.toUpperCase()}_WEBHOOK_SECRET`] = sender.key.secret;
  resetEnvCache();
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

describe.each(senders.map((sender) => [sender.id, sender] as const))("POST /api/webhooks/%s", (_id, sender) => {
  it("stores a signed delivery with its event name, and refuses a forged one", async () => {
    const body = sender.body();
    const response = await post(sender, body, await sender.sign(sender.key, body, now()));
    expect(response.status).toBe(202);
    const forged = sender.body();
    expect((await post(sender, forged, await sender.sign(sender.other, forged, now()))).status).toBe(401);
    const stored = await rows();
    expect(stored.filter((row) => row.status === "received").map((row) => [row.event, row.verified])).toEqual([[sender.event, true]]);
    expect(stored.filter((row) => row.status === "rejected").map((row) => row.verified)).toEqual([false]);
  });
});

describe("handshakes", () => {
  it("answers Discord's PING with {type: 1}", async () => {
    const discord = byId("discord");
    const body = JSON.stringify({ id: "123", type: 1, application_id: "1" });
    const response = await post(discord, body, await discord.sign(discord.key, body, now()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: 1 });
  });

  it("refuses an unsigned Discord PING (Discord checks that forged ones are refused)", async () => {
    const discord = byId("discord");
    const body = JSON.stringify({ id: "124", type: 1, application_id: "1" });
    expect((await post(discord, body, await discord.sign(discord.other, body, now()))).status).toBe(401);
  });

  it("answers Zoom's endpoint.url_validation with the plain token and its HMAC under the secret token", async () => {
    const zoom = byId("zoom");
    const body = JSON.stringify({ event: "endpoint.url_validation", event_ts: Date.now(), payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } });
    const response = await post(zoom, body, await zoom.sign(zoom.key, body, now()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      plainToken: "qgg8vlvZRS6UYooatFL8Aw",
      encryptedToken: createHmac("sha256", zoom.key.secret).update("qgg8vlvZRS6UYooatFL8Aw").digest("hex"),
    });
  });

  it("stores Twilio's form parameters as the payload", async () => {
    const twilio = byId("twilio");
    const body = twilio.body();
    expect((await post(twilio, body, await twilio.sign(twilio.key, body, now()))).status).toBe(202);
    const [row] = await rows();
    expect(row!.body).toBe(body);
    expect(row!.event).toBe("received");
  });
});

describe("Dropbox's URL check", () => {
  const get = (provider: string, query: string) => instanceRoute.GET(new Request(`${webhookUrl(provider)}${query}`), { params: Promise.resolve({ provider }) });

  it("echoes ?challenge= as text on Dropbox's URL, and refuses GET everywhere else", async () => {
    const answer = await get("dropbox", "?challenge=dGVzdA-abc_123");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await answer.text()).toBe("dGVzdA-abc_123");
    expect((await get("github", "?challenge=abc")).status).toBe(405);
    expect((await get("dropbox", "")).status).toBe(405);
    expect((await get("dropbox", "?challenge=%3Cscript%3E")).status).toBe(405);
  });

  it("answers the same on the server's fast path", async () => {
    const server = createServer((request, response) => {
      const target = intakeTarget(request.url);
      if (target) void handleIntake(request, response, target);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const answer = await fetch(`http://127.0.0.1:${port}/api/webhooks/dropbox?challenge=fast-path-1`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe("fast-path-1");
      expect((await fetch(`http://127.0.0.1:${port}/api/webhooks/github?challenge=x`)).status).toBe(405);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
