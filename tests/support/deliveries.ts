import { DEFAULT_WORKSPACE_ID } from "@/db/schema";
import type { NewDelivery } from "@/db/sql/intake";

/** A verified GitHub delivery to the default workspace's instance-wide URL, received now, as intake stores it. */
export function newDelivery(key: string, overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    workspaceId: DEFAULT_WORKSPACE_ID,
    providerId: "github",
    dedupeKey: `test:${key}`,
    deliveryId: key,
    event: "push",
    receivedAt: Date.now(),
    headers: {},
    body: "{}",
    bodyBytes: 2,
    verified: true,
    status: "received",
    nextAttemptAt: Date.now(),
    ...overrides,
  };
}
