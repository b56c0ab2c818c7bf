import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/env";
import { announce } from "./events";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/**
 * Stores an accepted delivery. Returns its id, or undefined when the same (endpoint, hook id,
 * delivery id) was stored before: a redelivery, which is acknowledged but not processed again.
 * The row is committed before this returns, so a 2xx always means the delivery is on disk.
 */
export function insertAccepted(delivery: NewDelivery): number | undefined {
  const row = db()
    .insert(webhookDeliveries)
    .values(delivery)
    .onConflictDoNothing({ target: webhookDeliveries.dedupeKey })
    .returning({ id: webhookDeliveries.id })
    .get();
  if (row) announce({ userId: delivery.userId, deliveryId: row.id, status: delivery.status });
  return row?.id;
}

/** Stores a refusal at a known endpoint, keeping at most WEBHOOK_REJECTED_CAP of them per endpoint. */
export function insertRefusal(delivery: NewDelivery): number {
  const database = db();
  const id = database.transaction((tx) => {
    const row = tx.insert(webhookDeliveries).values(delivery).returning({ id: webhookDeliveries.id }).get();
    tx.run(sql`
      delete from webhook_deliveries where id in (
        select id from webhook_deliveries
        where endpoint_id is ${delivery.endpointId ?? null} and provider_id = ${delivery.providerId} and status = 'rejected'
        order by id desc limit -1 offset ${env().WEBHOOK_REJECTED_CAP}
      )`);
    return row.id;
  });
  announce({ userId: delivery.userId, deliveryId: id, status: "rejected" });
  return id;
}
