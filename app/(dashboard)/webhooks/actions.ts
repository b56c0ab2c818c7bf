"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { ConnectionError } from "@/lib/connections/errors";
import { getProvider } from "@/lib/providers";
import { cancelRetries, requestReplay, retryNow } from "@/lib/webhooks/dispatcher";
import { createEndpoint, endpointEventsSchema } from "@/lib/webhooks/endpoints";
import { deliveryFiltersSchema, failedIds } from "@/lib/webhooks/queries";
import { deleteRegistered, pingGitHubHook, registerGitHubHook, registerStripeEndpoint, RegistrationError, rotateSecret } from "@/lib/webhooks/registration";

export type WebhookActionState = { ok?: string; error?: string; secret?: string; url?: string } | undefined;

const deliveryIdSchema = z.coerce.number().int().positive();
const eventsSchema = z.array(z.string().regex(/^[\w.*-]{1,80}$/)).max(50);

function failure(error: unknown): WebhookActionState {
  if (error instanceof RegistrationError || error instanceof ConnectionError) return { error: error.message };
  throw error;
}

function refresh(): void {
  revalidatePath("/webhooks");
}

export async function replayDeliveryAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const id = deliveryIdSchema.safeParse(form.get("deliveryId"));
  if (!id.success) return { error: "Unknown delivery." };
  const replayed = await requestReplay(user.id, [id.data]);
  revalidatePath(`/webhooks/${id.data}`);
  refresh();
  return replayed ? { ok: "Replay queued as a new attempt." } : { error: "Only verified deliveries that have finished processing can be replayed." };
}

export async function retryNowAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const id = deliveryIdSchema.safeParse(form.get("deliveryId"));
  if (!id.success) return { error: "Unknown delivery." };
  const queued = await retryNow(user.id, id.data);
  revalidatePath(`/webhooks/${id.data}`);
  refresh();
  return queued ? { ok: "Retrying now." } : { error: "This delivery is no longer waiting for a retry." };
}

export async function cancelRetriesAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const id = deliveryIdSchema.safeParse(form.get("deliveryId"));
  if (!id.success) return { error: "Unknown delivery." };
  const cancelled = await cancelRetries(user.id, id.data);
  revalidatePath(`/webhooks/${id.data}`);
  refresh();
  return cancelled ? { ok: "Retries cancelled; the delivery is marked failed and can still be replayed." } : { error: "This delivery is no longer waiting for a retry." };
}

export async function replayFailedAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const filters = deliveryFiltersSchema.safeParse(Object.fromEntries(form.entries()));
  if (!filters.success) return { error: "Those filters were not understood; nothing was replayed." };
  const replayed = await requestReplay(user.id, await failedIds(user.id, filters.data));
  refresh();
  return { ok: replayed === 1 ? "1 failed delivery queued for replay." : `${replayed} failed deliveries queued for replay.` };
}

export async function createEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const providerId = z.string().safeParse(form.get("providerId"));
  const provider = providerId.success ? getProvider(providerId.data) : undefined;
  if (!provider?.webhooks) return { error: "Choose a service that sends webhooks." };
  const description = z.string().trim().max(200).catch("").parse(form.get("description"));
  const events = endpointEventsSchema.safeParse(form.get("events") ?? "");
  if (!events.success) return { error: events.error.issues[0]!.message };
  const { endpoint, secret } = await createEndpoint(user.id, { providerId: provider.id, description, events: events.data });
  refresh();
  return { ok: `Endpoint created for ${provider.name}.`, secret, url: endpoint.url };
}

export async function rotateEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  try {
    const secret = await rotateSecret(user.id, String(form.get("endpointId") ?? ""));
    refresh();
    return { ok: "New secret created (and sent to the provider for a registered hook); the old one keeps working for the grace period.", secret };
  } catch (error) {
    return failure(error);
  }
}

export async function deleteEndpointAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  try {
    await deleteRegistered(user.id, String(form.get("endpointId") ?? ""));
    refresh();
    return { ok: "Endpoint deleted." };
  } catch (error) {
    return failure(error);
  }
}

export async function registerGitHubHookAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const repository = z.string().regex(/^[\w.-]+\/[\w.-]+$/).safeParse(form.get("repository"));
  const events = eventsSchema.min(1, { message: "Choose at least one event." }).safeParse(form.getAll("events"));
  if (!repository.success) return { error: "Choose a repository." };
  if (!events.success) return { error: "Choose at least one event." };
  try {
    const endpoint = await registerGitHubHook(user.id, repository.data, events.data);
    refresh();
    return { ok: `Hook created on ${endpoint.remoteTarget}; GitHub sends a ping right away.` };
  } catch (error) {
    return failure(error);
  }
}

export async function pingHookAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  try {
    await pingGitHubHook(user.id, String(form.get("endpointId") ?? ""));
    return { ok: "Ping sent; it appears in the log in a moment." };
  } catch (error) {
    return failure(error);
  }
}

export async function registerStripeAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const events = eventsSchema.min(1).safeParse(form.getAll("events"));
  if (!events.success) return { error: "Choose at least one event." };
  try {
    await registerStripeEndpoint(user.id, events.data);
    refresh();
    return { ok: "Stripe endpoint created; its signing secret is stored sealed." };
  } catch (error) {
    return failure(error);
  }
}
