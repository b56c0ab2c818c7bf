import "server-only";
import { deliveryPayload } from "./payload";
import { getDelivery } from "./queries";
import { findWorkflow } from "@/lib/mastra";

export type Prefill = { deliveryId: number; input: Record<string, unknown>; note: string } | { deliveryId: number; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/**
 * A form's starting input from a stored webhook delivery ("Run with this payload"). A workflow
 * that webhooks start maps the payload the way its webhook does; otherwise the payload's top-level
 * fields that the form has are taken as they are, and the person edits the rest.
 */
export async function prefillFromDelivery(
  workspaceId: string,
  deliveryId: number,
  target: { kind: "tool" | "workflow"; id: string; fields: string[] },
): Promise<Prefill> {
  const found = await getDelivery(workspaceId, deliveryId);
  if (!found) return { deliveryId, error: `There is no delivery #${deliveryId}.` };
  const { delivery } = found;
  if (delivery.trimmedAt !== null) return { deliveryId, error: `Retention removed the payload of delivery #${deliveryId}, so it cannot be used.` };
  if (delivery.bodyTruncated) return { deliveryId, error: `Delivery #${deliveryId} was stored truncated (first 8 KB only), so its payload cannot be used.` };
  let payload: unknown;
  try {
    payload = deliveryPayload(delivery.body, delivery.headers["content-type"]);
  } catch (error) {
    return { deliveryId, error: `The payload of delivery #${deliveryId} cannot be read: ${(error as Error).message}` };
  }
  const mapping = target.kind === "workflow" ? findWorkflow(target.id)?.fromWebhookPayload : undefined;
  if (mapping) {
    const mapped = mapping.safeParse(payload);
    if (mapped.success && isRecord(mapped.data))
      return { deliveryId, input: mapped.data, note: `Filled in from delivery #${deliveryId} the way its webhook would start ${target.id}.` };
  }
  if (!isRecord(payload)) return { deliveryId, error: `The payload of delivery #${deliveryId} is not a JSON object.` };
  const taken = target.fields.filter((field) => field in payload);
  if (taken.length === 0)
    return {
      deliveryId,
      input: {},
      note: `None of the payload's top-level fields of delivery #${deliveryId} fit this form; use the JSON editor to paste what you need.`,
    };
  return {
    deliveryId,
    input: Object.fromEntries(taken.map((field) => [field, payload[field]])),
    note: `Filled in ${taken.join(", ")} from delivery #${deliveryId}.`,
  };
}
