import "server-only";
import Stripe from "stripe";
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { resolveApiKey } from "@/lib/connections";
import { keyRing, seal } from "@/lib/crypto";
import { githubErrorMessage, githubFor } from "@/lib/github";
import type { Actor } from "@/lib/platform";
import { expandTemplate, getProvider } from "@/lib/providers";
import {
  createEndpoint,
  deleteEndpoint,
  endpointChanged,
  endpointUrl,
  findEndpoint,
  restoreSecrets,
  rotateEndpointSecret,
  setRemoteHook,
  type EndpointSummary,
} from "./endpoints";

export class RegistrationError extends Error {
  override name = "RegistrationError";
}

export type RepositoryChoice = { fullName: string; private: boolean };

/** The repositories the connected GitHub account can administer, for the "register a hook" form. */
export async function listAdminRepositories(userId: string): Promise<RepositoryChoice[]> {
  const octokit = await githubFor(userId);
  const repos = await octokit.paginate(octokit.repos.listForAuthenticatedUser, { per_page: 100, sort: "updated" });
  return repos.filter((repo) => repo.permissions?.admin !== false).map((repo) => ({ fullName: repo.full_name, private: repo.private }));
}

function splitRepository(fullName: string): { owner: string; repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(fullName);
  if (!match) throw new RegistrationError(`"${fullName}" is not an owner/name repository.`);
  return { owner: match[1]!, repo: match[2]! };
}

/**
 * Creates a Patchbay endpoint with a fresh 32-byte secret, then the hook on GitHub pointing at it
 * (content type json). If GitHub refuses, the local endpoint is removed again.
 */
export async function registerGitHubHook(actor: Actor, repository: string, events: string[]): Promise<EndpointSummary> {
  const { owner, repo } = splitRepository(repository);
  const octokit = await githubFor(actor.userId);
  const { endpoint, secret } = await createEndpoint(actor, { providerId: "github", description: `GitHub hook on ${owner}/${repo}`, events });
  try {
    const { data: hook } = await octokit.repos.createWebhook({
      owner,
      repo,
      name: "web",
      active: true,
      events,
      config: { url: endpoint.url, content_type: "json", secret, insecure_ssl: "0" },
    });
    await setRemoteHook(actor.workspaceId, endpoint.id, String(hook.id), `${owner}/${repo}`);
    return { ...endpoint, remoteHookId: String(hook.id), remoteTarget: `${owner}/${repo}` };
  } catch (error) {
    await deleteEndpoint(actor.workspaceId, endpoint.id);
    throw new RegistrationError(githubErrorMessage(error));
  }
}

async function registered(actor: Actor, endpointId: string) {
  const endpoint = await findEndpoint(actor.workspaceId, endpointId);
  if (!endpoint?.remoteHookId || !endpoint.remoteTarget) throw new RegistrationError("That hook was not registered by Patchbay.");
  return endpoint;
}

/** Providers whose registered hooks can be asked to send a test delivery. */
const pingable = new Set(["github"]);

export function supportsPing(providerId: string): boolean {
  return pingable.has(providerId);
}

/** Asks GitHub to send a ping to the hook; it arrives at the intake like any delivery. */
export async function pingGitHubHook(actor: Actor, endpointId: string): Promise<void> {
  const endpoint = await registered(actor, endpointId);
  const { owner, repo } = splitRepository(endpoint.remoteTarget!);
  const octokit = await githubFor(actor.userId);
  try {
    await octokit.repos.pingWebhook({ owner, repo, hook_id: Number(endpoint.remoteHookId) });
  } catch (error) {
    throw new RegistrationError(githubErrorMessage(error));
  }
}

/**
 * A Stripe client with the person's own key, or the instance's key when they may act with it (an
 * owner, or a member while an owner shares it); otherwise resolveApiKey's ConnectionError.
 */
async function stripeClient(userId: string, workspaceId?: string): Promise<{ stripe: Stripe; account: string }> {
  const provider = getProvider("stripe")!;
  const api = new URL(expandTemplate(provider, "{api}"));
  // The person's own key, else the workspace's shared one, else the instance's (resolveApiKey).
  const { apiKey, source } = await resolveApiKey(userId, provider.id, workspaceId);
  const stripe = new Stripe(apiKey, {
    host: api.hostname,
    port: api.port ? Number(api.port) : undefined,
    protocol: api.protocol === "http:" ? "http" : "https",
    maxNetworkRetries: 2,
    timeout: 15_000,
  });
  const accounts = { user: "Stripe account", workspace: "Stripe account (shared key)", environment: "Stripe account (instance key)" };
  return { stripe, account: accounts[source] };
}

/** Creates the endpoint through Stripe's webhook endpoints API and keeps the signing secret Stripe returns, sealed. */
export async function registerStripeEndpoint(actor: Actor, events: string[]): Promise<EndpointSummary> {
  const { stripe, account } = await stripeClient(actor.userId, actor.workspaceId);
  const { endpoint } = await createEndpoint(actor, { providerId: "stripe", description: "Stripe webhook endpoint", events });
  try {
    const created = await stripe.webhookEndpoints.create({
      url: endpointUrl("stripe", endpoint.id),
      enabled_events: events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
    });
    if (!created.secret) throw new Error("Stripe returned no signing secret");
    await db()
      .update(webhookEndpoints)
      .set({
        secretSealed: seal(keyRing(), created.secret, { table: "webhook_endpoints", column: "secret", id: endpoint.id }),
        remoteHookId: created.id,
        remoteTarget: account,
      })
      .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.workspaceId, actor.workspaceId)));
    endpointChanged(endpoint.id);
    return { ...endpoint, remoteHookId: created.id, remoteTarget: account };
  } catch (error) {
    await deleteEndpoint(actor.workspaceId, endpoint.id);
    throw new RegistrationError(`Stripe refused: ${(error as Error).message}`);
  }
}

type RemoteEndpoint = { remoteHookId: string; remoteTarget: string | null };

async function removeGitHubHook(userId: string, endpoint: RemoteEndpoint): Promise<void> {
  const { owner, repo } = splitRepository(endpoint.remoteTarget ?? "");
  const octokit = await githubFor(userId);
  try {
    await octokit.repos.deleteWebhook({ owner, repo, hook_id: Number(endpoint.remoteHookId) });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw new RegistrationError(githubErrorMessage(error));
  }
}

async function removeStripeEndpoint(userId: string, endpoint: RemoteEndpoint): Promise<void> {
  const { stripe } = await stripeClient(userId);
  try {
    await stripe.webhookEndpoints.del(endpoint.remoteHookId);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw new RegistrationError(`Stripe refused: ${(error as Error).message}`);
  }
}

/** How to remove what Patchbay registered, per provider id. */
const remoteRemovers: Record<string, (userId: string, endpoint: RemoteEndpoint) => Promise<void>> = {
  github: removeGitHubHook,
  stripe: removeStripeEndpoint,
};

/** Deletes the hook at the provider (already gone is fine), then the local endpoint. */
export async function deleteRegistered(actor: Actor, endpointId: string): Promise<void> {
  const endpoint = await findEndpoint(actor.workspaceId, endpointId);
  if (!endpoint) throw new RegistrationError("That endpoint does not exist.");
  const remove = remoteRemovers[endpoint.providerId];
  if (endpoint.remoteHookId && remove) await remove(actor.userId, { remoteHookId: endpoint.remoteHookId, remoteTarget: endpoint.remoteTarget });
  await deleteEndpoint(actor.workspaceId, endpointId);
}

async function rotateGitHubHookSecret(userId: string, endpoint: RemoteEndpoint & { id: string }, secret: string): Promise<void> {
  const { owner, repo } = splitRepository(endpoint.remoteTarget ?? "");
  const octokit = await githubFor(userId);
  try {
    await octokit.repos.updateWebhook({
      owner,
      repo,
      hook_id: Number(endpoint.remoteHookId),
      config: { url: endpointUrl("github", endpoint.id), content_type: "json", secret, insecure_ssl: "0" },
    });
  } catch (error) {
    throw new RegistrationError(githubErrorMessage(error));
  }
}

/** How to give a registered hook its new secret, per provider id. */
const remoteRotators: Record<string, (userId: string, endpoint: RemoteEndpoint & { id: string }, secret: string) => Promise<void>> = {
  github: rotateGitHubHookSecret,
};

/** Why a registered endpoint's secret cannot be rotated from Patchbay, or undefined when it can. */
export function rotationUnsupported(endpoint: { providerId: string; remoteHookId: string | null }): string | undefined {
  if (!endpoint.remoteHookId || remoteRotators[endpoint.providerId]) return undefined;
  if (endpoint.providerId === "stripe")
    return "Stripe has no API to roll an endpoint's signing secret (only its Dashboard can); delete the endpoint and register it again for a new one.";
  return "This provider's registered endpoints cannot be rotated from Patchbay; delete and register again for a new secret.";
}

/**
 * A new secret, returned once. For a registered hook the provider is told too: the new secret is
 * stored first (the old one stays accepted for the grace period, so deliveries signed either way
 * in between verify), and put back if the provider refuses.
 */
export async function rotateSecret(actor: Actor, endpointId: string, now = Date.now()): Promise<string> {
  const endpoint = await findEndpoint(actor.workspaceId, endpointId);
  if (!endpoint) throw new RegistrationError("That endpoint does not exist.");
  const unsupported = rotationUnsupported(endpoint);
  if (unsupported) throw new RegistrationError(unsupported);
  const secret = await rotateEndpointSecret(actor.workspaceId, endpointId, now);
  if (!secret) throw new RegistrationError("That endpoint does not exist.");
  const rotateRemote = endpoint.remoteHookId ? remoteRotators[endpoint.providerId] : undefined;
  if (rotateRemote) {
    try {
      await rotateRemote(actor.userId, { id: endpoint.id, remoteHookId: endpoint.remoteHookId!, remoteTarget: endpoint.remoteTarget }, secret);
    } catch (error) {
      await restoreSecrets(actor.workspaceId, endpoint.id, endpoint);
      throw error;
    }
  }
  return secret;
}
