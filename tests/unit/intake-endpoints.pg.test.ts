import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import * as endpointRoute from "@/app/api/webhooks/[provider]/[endpointId]/route";
import { db, usingPostgres } from "@/db/client";
import { startNoticeRelay, stopNoticeRelay } from "@/db/notifications";
import { webhookEndpoints } from "@/db/schema";
import { keyRing, seal } from "@/lib/crypto";
import { createEndpoint, deleteEndpoint, forgetIntakeEndpoints } from "@/lib/webhooks/endpoints";
import { rotateSecret } from "@/lib/webhooks/registration";
import { createUser } from "../support/helpers";
import { githubHeaders, pushPayload } from "../support/signers";

function post(endpointId: string, body: string, headers: Record<string, string>): Promise<Response> {
  const request = new Request(`http://localhost:3000/api/webhooks/github/${endpointId}`, { method: "POST", body, headers });
  return endpointRoute.POST(request, { params: Promise.resolve({ provider: "github", endpointId }) });
}

/** A delivery to the endpoint signed with `secret`: its status. */
async function signedWith(endpointId: string, secret: string): Promise<number> {
  const body = pushPayload();
  return (await post(endpointId, body, await githubHeaders(secret, body, "push"))).status;
}

/** The endpoint's secret changed in the database alone, as another process's rotation (before its notice arrives) leaves it. */
async function changeSecretBehindIntake(endpointId: string, secret: string): Promise<void> {
  await db()
    .update(webhookEndpoints)
    .set({ secretSealed: seal(keyRing(), secret, { table: "webhook_endpoints", column: "secret", id: endpointId }), previousSecretSealed: null })
    .where(eq(webhookEndpoints.id, endpointId));
}

afterEach(() => {
  vi.useRealTimers();
  forgetIntakeEndpoints();
});
afterAll(async () => {
  await stopNoticeRelay();
});

describe("the endpoints intake keeps", () => {
  it("are kept for a moment: a change no notice announced counts once that moment is over", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser("kept-endpoint");
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "kept", events: [] });
    expect(await signedWith(endpoint.id, secret)).toBe(202);

    await changeSecretBehindIntake(endpoint.id, "changed-elsewhere");
    // Kept: no select, so the old secret still verifies for the moment ...
    expect(await signedWith(endpoint.id, secret)).toBe(202);
    // ... and no longer once it is over.
    vi.advanceTimersByTime(5001);
    expect(await signedWith(endpoint.id, secret)).toBe(401);
    expect(await signedWith(endpoint.id, "changed-elsewhere")).toBe(202);
  });

  it("are forgotten at once when this process rotates a secret or deletes the endpoint", async () => {
    const user = await createUser("forget-endpoint");
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "forgotten", events: [] });
    expect(await signedWith(endpoint.id, secret)).toBe(202);

    const rotated = (await rotateSecret(user, endpoint.id))!;
    expect(await signedWith(endpoint.id, rotated)).toBe(202);
    expect(await signedWith(endpoint.id, secret)).toBe(202); // the grace period of the old one

    expect(await deleteEndpoint(user.workspaceId, endpoint.id)).toBe(true);
    expect(await signedWith(endpoint.id, rotated)).toBe(404);
  });

  it("never outlive a previous secret's grace period", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser("grace-endpoint");
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "grace", events: [] });
    const rotated = (await rotateSecret(user, endpoint.id))!;
    const [row] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    vi.setSystemTime(row!.previousSecretExpiresAt!.getTime() - 1000);
    expect(await signedWith(endpoint.id, secret)).toBe(202); // kept now, with both secrets
    vi.setSystemTime(row!.previousSecretExpiresAt!.getTime() + 1);
    expect(await signedWith(endpoint.id, secret)).toBe(401);
    expect(await signedWith(endpoint.id, rotated)).toBe(202);
  });

  it.runIf(usingPostgres())("are forgotten when another process announces a change to an endpoint (LISTEN/NOTIFY)", async () => {
    await startNoticeRelay();
    const user = await createUser("notice-endpoint");
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "elsewhere", events: [] });
    expect(await signedWith(endpoint.id, secret)).toBe(202);

    // Another process rotates the secret: its update, then its notice.
    await changeSecretBehindIntake(endpoint.id, "rotated-elsewhere");
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("select pg_notify('patchbay_endpoint', $1)", [JSON.stringify({ origin: "another-process", notices: [{ endpointId: endpoint.id }] })]);
    } finally {
      await other.end();
    }
    await vi.waitFor(async () => expect(await signedWith(endpoint.id, "rotated-elsewhere")).toBe(202), { timeout: 3000, interval: 50 });
    expect(await signedWith(endpoint.id, secret)).toBe(401);
  });
});
