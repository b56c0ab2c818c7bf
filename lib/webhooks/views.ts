import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { savedDeliveryViews } from "@/db/schema";
import type { Actor } from "@/lib/platform";
import { deliveryFiltersSchema } from "./queries";

export const MAX_VIEWS = 50;

/** A view that cannot be saved, in words for the person. */
export class ViewError extends Error {}

export const viewNameSchema = z.string().trim().min(1, "Name the view.").max(80, "A view's name has at most 80 characters.");

/** The order the log's URL lists its filters in (app/(dashboard)/webhooks/href.ts), without the page. */
const viewFields = ["range", "from", "to", "provider", "event", "status", "verified", "endpoint", "q"] as const;

/**
 * The filters of a log URL's query string as a view keeps them: validated by the log's own schema,
 * only the filters that are set, in a stable order, without the page (cursor, after).
 */
export function viewQuery(search: string): string {
  const parsed = deliveryFiltersSchema.safeParse(Object.fromEntries(new URLSearchParams(search)));
  if (!parsed.success) throw new ViewError("These filters are not valid; open the log again and save from there.");
  const params = new URLSearchParams();
  for (const name of viewFields) {
    const value = parsed.data[name];
    if (value !== undefined && String(value) !== "") params.set(name, String(value));
  }
  return params.toString();
}

/** This person's saved views of the log in this workspace, by name. */
export async function listViews(actor: Actor) {
  return await db()
    .select({ id: savedDeliveryViews.id, name: savedDeliveryViews.name, query: savedDeliveryViews.query })
    .from(savedDeliveryViews)
    .where(and(eq(savedDeliveryViews.workspaceId, actor.workspaceId), eq(savedDeliveryViews.userId, actor.userId)))
    .orderBy(asc(savedDeliveryViews.name));
}

/** Saves the log's filters under a name (replacing this person's view of that name). */
export async function saveView(actor: Actor, name: string, search: string): Promise<void> {
  const query = viewQuery(search);
  const views = await listViews(actor);
  const same = views.find((view) => view.name === name);
  if (same) {
    await db().update(savedDeliveryViews).set({ query }).where(eq(savedDeliveryViews.id, same.id));
    return;
  }
  if (views.length >= MAX_VIEWS) throw new ViewError(`You have ${MAX_VIEWS} saved views; delete one first.`);
  await db().insert(savedDeliveryViews).values({ workspaceId: actor.workspaceId, userId: actor.userId, name, query });
}

/** Deletes one of this person's views (another's id deletes nothing). */
export async function deleteView(actor: Actor, id: number): Promise<boolean> {
  const deleted = await db()
    .delete(savedDeliveryViews)
    .where(and(eq(savedDeliveryViews.id, id), eq(savedDeliveryViews.workspaceId, actor.workspaceId), eq(savedDeliveryViews.userId, actor.userId)))
    .returning({ id: savedDeliveryViews.id });
  return deleted.length > 0;
}
