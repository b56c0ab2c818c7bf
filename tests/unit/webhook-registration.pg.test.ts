import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveApiKey } from "@/lib/connections/api-keys";
import { endpointSecrets, findEndpoint, listEndpoints } from "@/lib/webhooks/endpoints";
import {
  deleteRegistered,
  listAdminRepositories,
  pingGitHubHook,
  registerGitHubHook,
  registerStripeEndpoint,
  RegistrationError,
} from "@/lib/webhooks/registration";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { startFakeStripe, type FakeStripe } from "@/e2e/fakes/stripe";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";

let github: FakeGitHub;
let stripe: FakeStripe;

beforeAll(async () => {
  github = await startGitHubFake();
  stripe = await startFakeStripe();
  process.env.STRIPE_API_URL = stripe.url;
});
afterAll(async () => {
  await github.close();
  await stripe.close();
});

describe("registering hooks on GitHub", () => {
  it("lists repositories, creates the hook with a fresh secret, pings it, and deletes it on both sides", async () => {
    const user = await createUser();
    await connectGitHub(user.id);
    expect(await listAdminRepositories(user.id)).toEqual([
      { fullName: "octocat/hello-world", private: false },
      { fullName: "octocat/secret-plans", private: true },
    ]);

    const endpoint = await registerGitHubHook(user, "octocat/hello-world", ["push", "pull_request"]);
    const hook = github.hooks.get(Number(endpoint.remoteHookId))!;
    expect(hook).toMatchObject({ owner: "octocat", repo: "hello-world", events: ["push", "pull_request"], active: true });
    expect(hook.config.url).toBe(`http://localhost:3000/api/webhooks/github/${endpoint.id}`);
    expect(hook.config.content_type).toBe("json");
    const [secret] = endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!);
    expect(hook.config.secret).toBe(secret);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await listEndpoints(user.workspaceId))[0]).toMatchObject({ id: endpoint.id, remoteTarget: "octocat/hello-world" });
    expect(JSON.stringify(await listEndpoints(user.workspaceId))).not.toContain(secret!);

    const sentBefore = github.sentDeliveries.length;
    await pingGitHubHook(user, endpoint.id);
    expect(github.sentDeliveries.slice(sentBefore).map((sent) => sent.event)).toContain("ping");

    await deleteRegistered(user, endpoint.id);
    expect(github.hooks.has(hook.id)).toBe(false);
    expect(await listEndpoints(user.workspaceId)).toEqual([]);
  });

  it("leaves nothing behind when GitHub refuses", async () => {
    const user = await createUser();
    await connectGitHub(user.id);
    await expect(registerGitHubHook(user, "octocat/not-a-repo", ["push"])).rejects.toThrow(/GitHub: [A-Z]+ \/\S+ answered 404/);
    await expect(registerGitHubHook(user, "not a repo", ["push"])).rejects.toBeInstanceOf(RegistrationError);
    expect(await listEndpoints(user.workspaceId)).toEqual([]);
  });

  it("needs a GitHub connection", async () => {
    const user = await createUser();
    await expect(registerGitHubHook(user, "octocat/hello-world", ["push"])).rejects.toThrow("Connect GitHub first on the Connections page.");
  });
});

describe("registering a Stripe webhook endpoint", () => {
  it("creates it through Stripe's API and keeps the returned signing secret sealed", async () => {
    const user = await createUser();
    await saveApiKey(user.id, "stripe", "sk_test_0123456789abcdef");
    const endpoint = await registerStripeEndpoint(user, ["invoice.paid", "checkout.session.completed"]);
    const remote = stripe.endpoints.get(endpoint.remoteHookId!)!;
    expect(remote.url).toBe(`http://localhost:3000/api/webhooks/stripe/${endpoint.id}`);
    expect(remote.enabled_events).toEqual(["invoice.paid", "checkout.session.completed"]);
    expect(endpointSecrets((await findEndpoint(user.workspaceId, endpoint.id))!)).toEqual([remote.secret]);
    await deleteRegistered(user, endpoint.id);
    expect(stripe.endpoints.size).toBe(0);
  });
});
