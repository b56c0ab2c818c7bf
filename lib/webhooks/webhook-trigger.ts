import "server-only";
import { workspaceOwnerId } from "@/lib/auth";
import { type DeliveryReader, type DeliveryScope, runAutomationsForDelivery } from "@/lib/automations";
import { isCredentialField } from "@/lib/http";
import { getProvider } from "@/lib/providers";
import type { DeliveryRow } from "./deliveries";
import { findEndpointByUrl } from "./endpoints";
import { type HandlerOutcome, PermanentDeliveryError } from "./handlers";
import { deliveryPayload } from "./payload";
import { getDelivery } from "./queries";

/** Who a delivery's shipped automations act as: the person who made its endpoint, or for an instance-wide URL the workspace's first owner. */
async function actingPersonFor(delivery: Pick<DeliveryRow, "providerId" | "endpointId" | "workspaceId">): Promise<string | undefined> {
  const endpoint = delivery.endpointId ? await findEndpointByUrl(delivery.providerId, delivery.endpointId) : undefined;
  return endpoint?.userId ?? (await workspaceOwnerId(delivery.workspaceId));
}

/** Headers as expressions see them: no credential, signature or internal header. */
function visibleHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isCredentialField(name) && !/signature|^cookie$|^x-patchbay-/i.test(name)));
}

function payloadOf(delivery: Pick<DeliveryRow, "body" | "headers" | "providerId">): unknown {
  return deliveryPayload(delivery.body, delivery.headers["content-type"], getProvider(delivery.providerId)?.webhooks?.scheme === "twilio");
}

function scopeOf(delivery: DeliveryRow, payload: unknown): DeliveryScope {
  return {
    id: delivery.id,
    workspaceId: delivery.workspaceId,
    providerId: delivery.providerId,
    endpointId: delivery.endpointId,
    event: delivery.event,
    action: delivery.action,
    payload,
    headers: visibleHeaders(delivery.headers),
  };
}

/**
 * What processing a delivery means (the dispatcher's handler): the workspace's automations that
 * match it run (lib/automations), one run per automation for the delivery, attempts inside it. A
 * payload that does not parse fails the delivery for good: a retry would see the same bytes.
 */
export async function handleDelivery(delivery: DeliveryRow): Promise<HandlerOutcome> {
  let payload: unknown;
  try {
    payload = payloadOf(delivery);
  } catch (error) {
    throw new PermanentDeliveryError(`The payload cannot be parsed: ${(error as Error).message}`);
  }
  const outcome = await runAutomationsForDelivery(scopeOf(delivery, payload), {
    replay: delivery.replayRequested,
    actingPerson: () => actingPersonFor(delivery),
  });
  if (outcome.error && outcome.permanent) throw new PermanentDeliveryError(outcome.error);
  return { note: outcome.note, error: outcome.error, workflowRunId: outcome.workflowRunId };
}

/** A past delivery for "try with this delivery"; none once retention removed its body. */
export const readDeliveryForAutomations: DeliveryReader = async (workspaceId, deliveryId) => {
  const found = await getDelivery(workspaceId, deliveryId);
  if (!found || found.delivery.trimmedAt !== null || !found.delivery.verified) return undefined;
  try {
    return { scope: scopeOf(found.delivery, payloadOf(found.delivery)), actingPerson: await actingPersonFor(found.delivery) };
  } catch {
    return undefined;
  }
};
