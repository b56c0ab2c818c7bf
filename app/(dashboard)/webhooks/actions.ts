"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { ConnectionError } from "@/lib/connections/errors";
import { getProvider } from "@/lib/providers";
import { cancelRetries, requestReplay, retryNow } from "@/lib/webhooks/dispatcher";
import { createEndpoint, endpointEventsSchema } from "@/lib/webhooks/endpoints";
import { deliveryFiltersSchema, failedIds } from "@/lib/webhooks/queries";
import { deleteView, saveView, ViewError, viewNameSchema } from "@/lib/webhooks/views";
import { deleteRegistered, pingGitHubHook, registerGitHubHook, registerStripeEndpoint, RegistrationError, rotateSecret } from "@/lib/webhooks/registration";

/**
 * What a webhook-page form shows after its action. A new signing secret is shown once: `secretFor`
 * says where it goes, the sender that signs (an endpoint's) or the receiver that verifies (a
 * forwarding destination's, an alert URL's).
 */
export type WebhookActionState = { ok?: string; error?: string; secret?: string; secretFor?: "sender" | "receiver"; url?: string } | undefined;

const deliveryIdSchema = z.coerce.number().int().positive();
const eventsSchema = z.array(z.string().regex(/^[\w.*-]{1,80}$/)).max(50);

/** What registering, rotating and deleting refuse with, in words for the person. */
const REFUSALS = [RegistrationError, ConnectionError];

function refresh(): void {
  // The log and its sub-pages (endpoints, settings) all show endpoints and deliveries.
  revalidatePath("/webhooks", "layout");
}

export async function replayDeliveryAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const id = actionInput(deliveryIdSchema, form.get("deliveryId"), "Unknown delivery.");
    const replayed = await requestReplay(user.workspaceId, [id]);
    if (replayed) await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "delivery_replayed", target: `delivery ${id}` });
    revalidatePath(`/webhooks/${id}`);
    refresh();
    return replayed ? { ok: "Replay queued as a new attempt." } : { error: "Only verified deliveries that have finished processing can be replayed." };
  });
}

export async function retryNowAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const id = actionInput(deliveryIdSchema, form.get("deliveryId"), "Unknown delivery.");
    const queued = await retryNow(user.workspaceId, id);
    revalidatePath(`/webhooks/${id}`);
    refresh();
    return queued ? { ok: "Retrying now." } : { error: "This delivery is no longer waiting for a retry." };
  });
}

export async function cancelRetriesAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const id = actionInput(deliveryIdSchema, form.get("deliveryId"), "Unknown delivery.");
    const cancelled = await cancelRetries(user.workspaceId, id);
    revalidatePath(`/webhooks/${id}`);
    refresh();
    return cancelled
      ? { ok: "Retries cancelled; the delivery is marked failed and can still be replayed." }
      : { error: "This delivery is no longer waiting for a retry." };
  });
}

export async function replayFailedAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const filters = actionInput(deliveryFiltersSchema, Object.fromEntries(form.entries()), "Those filters were not understood; nothing was replayed.");
    const replayed = await requestReplay(user.workspaceId, await failedIds(user.workspaceId, filters));
    if (replayed) await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "delivery_replayed", target: `${replayed} failed deliveries` });
    refresh();
    return { ok: replayed === 1 ? "1 failed delivery queued for replay." : `${replayed} failed deliveries queued for replay.` };
  });
}

export async function createEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const providerId = z.string().safeParse(form.get("providerId"));
      const provider = providerId.success ? getProvider(providerId.data) : undefined;
      if (!provider?.webhooks) return { error: "Choose a service that sends webhooks." };
      const description = z.string().trim().max(200).catch("").parse(form.get("description"));
      const events = actionInput(endpointEventsSchema, form.get("events") ?? "");
      const { endpoint, secret } = await createEndpoint(user, { providerId: provider.id, description, events });
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "endpoint_created", target: endpoint.id, detail: { provider: provider.id } });
      refresh();
      return { ok: `Endpoint created for ${provider.name}.`, secret, url: endpoint.url };
    },
    [],
    "admin",
  );
}

export async function rotateEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const endpointId = String(form.get("endpointId") ?? "");
      const secret = await rotateSecret(user, endpointId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "endpoint_secret_rotated", target: endpointId });
      refresh();
      return { ok: "New secret created (and sent to the provider for a registered hook); the old one keeps working for the grace period.", secret };
    },
    REFUSALS,
    "admin",
  );
}

export async function deleteEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const endpointId = String(form.get("endpointId") ?? "");
      await deleteRegistered(user, endpointId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "endpoint_removed", target: endpointId });
      refresh();
      return { ok: "Endpoint deleted." };
    },
    REFUSALS,
    "admin",
  );
}

export async function registerGitHubHookAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const repository = actionInput(z.string().regex(/^[\w.-]+\/[\w.-]+$/), form.get("repository"), "Choose a repository.");
      const events = actionInput(eventsSchema.min(1), form.getAll("events"), "Choose at least one event.");
      const endpoint = await registerGitHubHook(user, repository, events);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "endpoint_created",
        target: endpoint.id,
        detail: { provider: "github", repository },
      });
      refresh();
      return { ok: `Hook created on ${endpoint.remoteTarget}; GitHub sends a ping right away.` };
    },
    REFUSALS,
    "admin",
  );
}

export async function pingHookAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      await pingGitHubHook(user, String(form.get("endpointId") ?? ""));
      return { ok: "Ping sent; it appears in the log in a moment." };
    },
    REFUSALS,
    "admin",
  );
}

export async function registerStripeAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const events = actionInput(eventsSchema.min(1), form.getAll("events"), "Choose at least one event.");
      const endpoint = await registerStripeEndpoint(user, events);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "endpoint_created", target: endpoint.id, detail: { provider: "stripe" } });
      refresh();
      return { ok: "Stripe endpoint created; its signing secret is stored sealed." };
    },
    REFUSALS,
    "admin",
  );
}

const viewIdSchema = z.coerce.number().int().positive();

/** Saves the log's current filters as one of this person's views (any role: a view changes nothing for others). */
export async function saveViewAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const name = actionInput(viewNameSchema, form.get("name"));
      await saveView(user, name, String(form.get("query") ?? ""));
      refresh();
      return { ok: `Saved the view “${name}”.` };
    },
    [ViewError],
    "viewer",
  );
}

export async function deleteViewAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const deleted = await deleteView(user, actionInput(viewIdSchema, form.get("viewId"), "Unknown view."));
      refresh();
      return deleted ? { ok: "View deleted." } : { error: "That view is not yours or is already gone." };
    },
    [],
    "viewer",
  );
}
