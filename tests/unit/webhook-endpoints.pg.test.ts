import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as endpointRoute from "@/app/api/webhooks/[provider]/[endpointId]/route";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { env } from "@/lib/platform/env";
import { createEndpoint, endpointEventsSchema, endpointSecrets, findEndpoint } from "@/lib/webhooks/endpoints";
import { registerGitHubHook, RegistrationError, rotateSecret, rotationUnsupported } from "@/lib/webhooks/registration";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { githubHeaders } from "../support/signers";

let github: FakeGitHub;

beforeAll(async () => {
  github = await startGitHubFake();
});
afterAll(() => github.close());
afterEach(() => {
  vi.useRealTimers();
});

function post(endpointId: string, body: string, headers: Record<string, string>): Promise<Response> {
  const request = new Request(`http://localhost:3000/api/webhooks/github/${endpointId}`, { method: "POST", body, headers });
  return endpointRoute.POST(request, { params: Promise.resolve({ provider: "github", endpointId }) });
}

const HOUR = 3_600_000;

describe("the create form's events field", () => {
  it("splits, trims and deduplicates comma-separated events; empty means none", () => {
    expect(endpointEventsSchema.parse(" push, pull_request ,push,, ")).toEqual(["push", "pull_request"]);
    expect(endpointEventsSchema.parse("invoice.paid,customer.subscription.*")).toEqual(["invoice.paid", "customer.subscription.*"]);
    expect(endpointEventsSchema.parse("")).toEqual([]);
  });

  it("refuses names that are not events, and too many", () => {
    const bad = endpointEventsSchema.safeParse("push, drop table; --");
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe("Not an event name: drop table; -- (letters, digits, _ . * - only).");
    expect(endpointEventsSchema.safeParse(Array.from({ length: 51 }, (_, index) => `e${index}`).join(",")).success).toBe(false);
  });
});

describe("rotating an endpoint's secret", () => {
  it("updates a registered GitHub hook's secret on GitHub; the old one is accepted for the grace period only", async () => {
    const user = await createUser("rotate");
    await connectGitHub(user.id);
    const endpoint = await registerGitHubHook(user, "octocat/hello-world", ["push"]);
    const hook = github.hooks.get(Number(endpoint.remoteHookId))!;
    const oldSecret = hook.config.secret!;
    expect(rotationUnsupported(endpoint)).toBeUndefined();

    vi.useFakeTimers({ toFake: ["Date"] });
    const rotatedAt = new Date("2026-11-24T10:00:00Z").getTime();
    vi.setSystemTime(rotatedAt);
    const newSecret = await rotateSecret(user, endpoint.id);
    expect(newSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(github.hooks.get(hook.id)!.config).toMatchObject({ secret: newSecret, url: endpoint.url, content_type: "json" });
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!)).toEqual([newSecret, oldSecret]);

    const body = JSON.stringify({ zen: "Rotate often.", hook_id: hook.id });
    const signedWith = async (secret: string) => post(endpoint.id, body, await githubHeaders(secret, body, "ping"));
    expect((await signedWith(newSecret)).status).toBe(202);
    vi.setSystemTime(rotatedAt + env().WEBHOOK_SECRET_GRACE_HOURS * HOUR - 1000);
    expect((await signedWith(oldSecret)).status).toBe(202);
    vi.setSystemTime(rotatedAt + env().WEBHOOK_SECRET_GRACE_HOURS * HOUR + 1000);
    const late = await signedWith(oldSecret);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: { code: "invalid_signature", message: "signature does not match the secret" } });
    expect((await signedWith(newSecret)).status).toBe(202);
  });

  it("keeps the secrets as they were when GitHub refuses the update", async () => {
    const user = await createUser("rotate-refused");
    await connectGitHub(user.id);
    const endpoint = await registerGitHubHook(user, "octocat/hello-world", ["push"]);
    const before = endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!);
    github.hooks.delete(Number(endpoint.remoteHookId)); // removed on GitHub behind Patchbay's back
    await expect(rotateSecret(user, endpoint.id)).rejects.toThrow(/GitHub: [A-Z]+ \/\S+ answered 404/);
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!)).toEqual(before);
  });

  it("rotates an unregistered endpoint locally; the old secret is refused once the grace period is over", async () => {
    const user = await createUser("rotate-local");
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "local", events: ["push"] });
    const rotatedAt = Date.now();
    const newSecret = await rotateSecret(user, endpoint.id, rotatedAt);
    const graceEnds = rotatedAt + env().WEBHOOK_SECRET_GRACE_HOURS * HOUR;
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!, graceEnds - 1)).toEqual([newSecret, secret]);
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!, graceEnds + 1)).toEqual([newSecret]);
  });

  it("says Stripe endpoints cannot be rotated through its API instead of pretending", async () => {
    const user = await createUser("rotate-stripe");
    const { endpoint } = await createEndpoint(user, {
      providerId: "stripe",
      description: "Stripe",
      events: ["invoice.paid"],
      remoteHookId: "we_123",
      remoteTarget: "Stripe account",
    });
    expect(rotationUnsupported(endpoint)).toMatch(/Stripe has no API to roll/);
    await expect(rotateSecret(user, endpoint.id)).rejects.toBeInstanceOf(RegistrationError);
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!)).toHaveLength(1);
    await expect(rotateSecret(user, "we_doesnotexist000000")).rejects.toThrow("That endpoint does not exist.");
  });
});
