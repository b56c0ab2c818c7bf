import type { IncomingMessage } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const registerRoute = await import("@/app/api/oauth/register/route");
const { findClient, registerClient, sweepUnusedClients } = await import("@/lib/mcp/auth/clients");
const { createAccessToken, revokeAccessToken } = await import("@/lib/auth/access-tokens");
const { stampClientAddress } = await import("@/lib/auth/client-address");
const { resetEnvCache } = await import("@/lib/platform/env");
const { createUser } = await import("../support/helpers");

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const metadata = { client_name: "Limits test", redirect_uris: ["https://app.example/callback"] };

/** A registration as server.ts hands it to the route: the socket's peer address stamped on the request. */
function registerFrom(address: string, body: unknown = metadata): Promise<Response> {
  const incoming = { headers: {}, socket: { remoteAddress: address } } as unknown as IncomingMessage;
  stampClientAddress(incoming);
  return registerRoute.POST(
    new Request("http://localhost:3000/api/oauth/register", {
      method: "POST",
      headers: { "content-type": "application/json", ...(incoming.headers as Record<string, string>) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

function configure(variables: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
}

async function registered(body: unknown, context: { address?: string; now?: number }) {
  const result = await registerClient(body, context);
  if (!result.ok) throw new Error(`registration refused: ${result.description}`);
  return result.client;
}

let user: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  user = await createUser("registration");
});
afterEach(() => configure({ OAUTH_REGISTRATIONS_PER_HOUR: undefined, OAUTH_MAX_PENDING_CLIENTS: undefined }));

describe("dynamic client registration is bounded", () => {
  it("limits registrations per client address per hour (IPv6 by its /64), with 429 and Retry-After", async () => {
    configure({ OAUTH_REGISTRATIONS_PER_HOUR: "3" });
    for (let i = 0; i < 3; i++) expect((await registerFrom("192.0.2.1")).status).toBe(201);
    const refused = await registerFrom("192.0.2.1");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await refused.json()).toMatchObject({ error: "temporarily_unavailable" });
    expect((await registerFrom("::ffff:192.0.2.1")).status).toBe(429);
    expect((await registerFrom("192.0.2.2")).status).toBe(201);

    for (const address of ["2001:db8::1", "2001:db8::2", "2001:db8::3"]) expect((await registerFrom(address)).status).toBe(201);
    expect((await registerFrom("2001:db8::ffff")).status).toBe(429);
    expect((await registerFrom("2001:db8:0:1::1")).status).toBe(201);

    // An hour on, the address may register again.
    expect((await registerClient(metadata, { address: "192.0.2.1", now: Date.now() + HOUR + 1000 })).ok).toBe(true);
  });

  it("caps the clients that have not obtained a token yet, and frees a place when one does or when it is a day old", async () => {
    configure({ OAUTH_MAX_PENDING_CLIENTS: "3" });
    const start = Date.now() + 30 * DAY; // later than every other client in this file, so only these count
    const first = await registered(metadata, { now: start });
    await registered(metadata, { now: start + 1000 });
    await registered(metadata, { now: start + 2000 });
    const refused = await registerClient(metadata, { now: start + 3000 });
    expect(refused).toEqual({
      ok: false,
      status: 503,
      error: "temporarily_unavailable",
      description: expect.any(String),
      retryAfterSeconds: Math.ceil((DAY - 3000) / 1000),
    });

    await createAccessToken(user, { name: "Limits test", scope: "read", clientId: first.id });
    await registered(metadata, { now: start + 4000 });
    expect((await registerClient(metadata, { now: start + 5000 })).ok).toBe(false);

    expect((await registerClient(metadata, { now: start + DAY + 1000 })).ok).toBe(true);
  });

  it("answers the pending cap at the route with 503 and Retry-After", async () => {
    configure({ OAUTH_MAX_PENDING_CLIENTS: "1" });
    const refused = await registerFrom("198.51.100.9");
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toBe("temporarily_unavailable");
  });

  it("removes clients that never obtained a token once they are a day old, and only those", async () => {
    const now = Date.now() + 60 * DAY;
    const oldUnused = await registered(metadata, { now: now - DAY - 1000 });
    const oldUsed = await registered(metadata, { now: now - DAY - 1000 });
    const oldRevoked = await registered(metadata, { now: now - DAY - 1000 });
    const recent = await registered(metadata, { now: now - HOUR });
    await createAccessToken(user, { name: "used", scope: "read", clientId: oldUsed.id });
    const revoked = await createAccessToken(user, { name: "revoked", scope: "read", clientId: oldRevoked.id });
    expect(await revokeAccessToken(user.id, revoked.id)).toBe(true);

    expect(await sweepUnusedClients(now)).toBeGreaterThanOrEqual(1);
    expect(await findClient(oldUnused.id)).toBeUndefined();
    expect(await findClient(oldUsed.id)).toBeDefined();
    expect(await findClient(oldRevoked.id)).toBeDefined();
    expect(await findClient(recent.id)).toBeDefined();
    expect(await sweepUnusedClients(now)).toBe(0);
  });

  it("bounds the request body and every field", async () => {
    const long = `https://app.example/${"a".repeat(500)}`;
    const refusals: [string, unknown, number][] = [
      ["a redirect URI over 512 characters", { redirect_uris: [long] }, 400],
      ["more than 10 redirect URIs", { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://app.example/${i}`) }, 400],
      ["a client_name over 100 characters", { client_name: "n".repeat(101), redirect_uris: ["https://app.example/cb"] }, 400],
      ["a client_uri over 512 characters", { client_uri: long, redirect_uris: ["https://app.example/cb"] }, 400],
      ["a body over 8 KB", { ...metadata, software_statement: "x".repeat(9000) }, 413],
    ];
    for (const [what, body, status] of refusals) expect((await registerFrom("203.0.113.50", body)).status, what).toBe(status);

    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
        controller.close();
      },
    });
    const streamed = await registerRoute.POST(
      new Request("http://localhost:3000/api/oauth/register", { method: "POST", body: chunked, duplex: "half" } as RequestInit),
    );
    expect(streamed.status).toBe(413);
  });
});

describe("redirect URIs at registration", () => {
  it("refuses whitespace and control characters rather than trimming them", async () => {
    for (const uri of [
      " https://app.example/cb",
      "https://app.example/cb\n",
      "https://app.example/cb\t",
      "https://app.example/c b",
      "https://app.example/\u0000cb",
      "https://app.example/cb\u00a0",
    ]) {
      const response = await registerFrom("203.0.113.60", { redirect_uris: [uri] });
      expect(response.status, JSON.stringify(uri)).toBe(400);
      expect((await response.json()).error).toBe("invalid_redirect_uri");
    }
  });

  it("stores and answers each URI in its canonical form", async () => {
    const response = await registerFrom("203.0.113.61", {
      redirect_uris: ["HTTPS://App.Example:443/a/../cb?x=1", "http://localhost:6274/oauth/callback", "cursor.app://oauth/callback"],
    });
    expect(response.status).toBe(201);
    const body = await response.json();
    const canonical = ["https://app.example/cb?x=1", "http://localhost:6274/oauth/callback", "cursor.app://oauth/callback"];
    expect(body.redirect_uris).toEqual(canonical);
    expect((await findClient(body.client_id))?.redirectUris).toEqual(canonical);
  });
});
