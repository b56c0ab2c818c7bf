import "server-only";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { db, transaction } from "@/db/client";
import { automationRuns, automations, automationVersions, workspaces } from "@/db/schema";
import { atLeast, type WorkspaceRole } from "@/lib/auth";
import { ApiError, keptBriefly, type Actor } from "@/lib/platform";
import { type AutomationDefinition, automationDefinition, automationFile } from "./definition";
import { nextDueTime } from "./schedule-time";
import { shippedAutomations } from "./shipped";

export type AutomationRow = typeof automations.$inferSelect;
export type AutomationVersionRow = typeof automationVersions.$inferSelect;
export type Automation = Omit<AutomationRow, "definition"> & { definition: AutomationDefinition };

/** Definitions already checked, by automation, version and last change: a delivery matched against ten automations parses none of them again. */
const checkedDefinitions = new Map<string, AutomationDefinition>();
const CHECKED_DEFINITIONS_KEPT = 1000;

/**
 * A stored definition read back; one that no longer parses (an older shape) is refused loudly
 * rather than run half-understood. The parsed definition is shared between callers: read-only.
 */
export function withDefinition(row: AutomationRow): Automation {
  const key = `${row.id}:${row.version}:${Number(row.updatedAt)}`;
  let definition = checkedDefinitions.get(key);
  if (!definition) {
    definition = automationDefinition.parse(row.definition);
    if (checkedDefinitions.size >= CHECKED_DEFINITIONS_KEPT) checkedDefinitions.clear();
    checkedDefinitions.set(key, definition);
  }
  return { ...row, definition };
}

/** Who may change an automation: admins and owners, and its author. */
export function mayEdit(person: { userId: string; role: WorkspaceRole }, automation: Pick<AutomationRow, "createdBy">): boolean {
  return atLeast(person.role, "admin") || (automation.createdBy !== null && automation.createdBy === person.userId && atLeast(person.role, "member"));
}

const seededWorkspaces = new Set<string>();

/**
 * Adds the automations Patchbay ships (GitHub push and pull request) to a workspace once: a person
 * may change, pause or delete them afterwards, and a deleted one stays deleted.
 */
export async function ensureShippedAutomations(workspaceId: string, now = Date.now()): Promise<void> {
  if (seededWorkspaces.has(workspaceId)) return;
  await transaction(async (tx) => {
    const claimed = await tx
      .update(workspaces)
      .set({ automationsSeededAt: now })
      .where(and(eq(workspaces.id, workspaceId), isNull(workspaces.automationsSeededAt)))
      .returning({ id: workspaces.id });
    if (claimed.length === 0) return;
    for (const shipped of shippedAutomations) {
      const [row] = await tx
        .insert(automations)
        .values({
          workspaceId,
          name: shipped.name,
          enabled: true,
          definition: shipped.definition,
          seedKey: shipped.seedKey,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: automations.id });
      if (row)
        await tx.insert(automationVersions).values({
          automationId: row.id,
          version: 1,
          name: shipped.name,
          definition: shipped.definition,
          changedAt: now,
          summary: "Shipped with Patchbay",
        });
    }
  });
  seededWorkspaces.add(workspaceId);
  enabledAutomations.forget();
}

export type AutomationSummary = Automation & { runs: { total: number; succeeded: number; failed: number; lastAt: number | null } };

export async function listAutomations(workspaceId: string): Promise<AutomationSummary[]> {
  await ensureShippedAutomations(workspaceId);
  const rows = await db().select().from(automations).where(eq(automations.workspaceId, workspaceId)).orderBy(asc(automations.name));
  const counts = await db()
    .select({
      automationId: automationRuns.automationId,
      total: sql<number>`count(*)`,
      succeeded: sql<number>`sum(case when ${automationRuns.status} = 'succeeded' then 1 else 0 end)`,
      failed: sql<number>`sum(case when ${automationRuns.status} = 'failed' then 1 else 0 end)`,
      lastAt: sql<number | null>`max(${automationRuns.createdAt})`,
    })
    .from(automationRuns)
    .where(eq(automationRuns.workspaceId, workspaceId))
    .groupBy(automationRuns.automationId);
  const byId = new Map(counts.map((count) => [count.automationId, count]));
  return rows.map((row) => {
    const count = byId.get(row.id);
    return {
      ...withDefinition(row),
      runs: {
        total: Number(count?.total ?? 0),
        succeeded: Number(count?.succeeded ?? 0),
        failed: Number(count?.failed ?? 0),
        lastAt: count?.lastAt === null || count?.lastAt === undefined ? null : Number(count.lastAt),
      },
    };
  });
}

export async function findAutomation(workspaceId: string, id: string): Promise<Automation | undefined> {
  const [row] = await db()
    .select()
    .from(automations)
    .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id)))
    .limit(1);
  return row ? withDefinition(row) : undefined;
}

export async function requireAutomation(workspaceId: string, id: string): Promise<Automation> {
  const found = await findAutomation(workspaceId, id);
  if (!found) throw new ApiError("not_found", "There is no such automation in this workspace.");
  return found;
}

function scheduleOf(definition: AutomationDefinition, enabled: boolean, now: number): number | null {
  if (!enabled || definition.trigger.kind !== "schedule") return null;
  return nextDueTime(definition.trigger, now);
}

/** Saves a new automation (disabled unless said otherwise: "try it" first) with its first version. */
export async function createAutomation(actor: Actor, file: unknown, { enabled = false, now = Date.now() } = {}): Promise<Automation> {
  const { name, definition } = automationFile.parse(file);
  const created = await transaction(async (tx) => {
    const [row] = await tx
      .insert(automations)
      .values({
        workspaceId: actor.workspaceId,
        name,
        enabled,
        definition,
        createdBy: actor.userId,
        createdAt: now,
        updatedBy: actor.userId,
        updatedAt: now,
        nextDueAt: scheduleOf(definition, enabled, now),
      })
      .returning();
    await tx
      .insert(automationVersions)
      .values({ automationId: row!.id, version: 1, name, definition, changedBy: actor.userId, changedAt: now, summary: "Created" });
    return withDefinition(row!);
  });
  enabledAutomations.forget();
  return created;
}

/** What changed between two versions, in words for the version list. */
function describeChange(before: Automation, name: string, definition: AutomationDefinition): string {
  const changes: string[] = [];
  if (before.name !== name) changes.push("renamed");
  if (JSON.stringify(before.definition.trigger) !== JSON.stringify(definition.trigger)) changes.push("trigger changed");
  const was = before.definition.steps.map((step) => step.key).join(",");
  const now = definition.steps.map((step) => step.key).join(",");
  if (was !== now) changes.push(`steps now ${definition.steps.map((step) => step.key).join(" → ")}`);
  else if (JSON.stringify(before.definition.steps) !== JSON.stringify(definition.steps)) changes.push("step settings changed");
  return changes.join("; ") || "saved without changes";
}

/** Saves a new version of an automation's name and definition. */
export async function updateAutomation(actor: Actor, id: string, file: unknown, now = Date.now()): Promise<Automation> {
  const { name, definition } = automationFile.parse(file);
  const before = await requireAutomation(actor.workspaceId, id);
  const updated = await transaction(async (tx) => {
    const version = before.version + 1;
    const [row] = await tx
      .update(automations)
      .set({ name, definition, version, updatedBy: actor.userId, updatedAt: now, nextDueAt: scheduleOf(definition, before.enabled, now) })
      .where(and(eq(automations.id, id), eq(automations.workspaceId, actor.workspaceId)))
      .returning();
    await tx
      .insert(automationVersions)
      .values({ automationId: id, version, name, definition, changedBy: actor.userId, changedAt: now, summary: describeChange(before, name, definition) });
    return withDefinition(row!);
  });
  enabledAutomations.forget();
  return updated;
}

export async function setAutomationEnabled(actor: Actor, id: string, enabled: boolean, now = Date.now()): Promise<Automation> {
  const before = await requireAutomation(actor.workspaceId, id);
  const [row] = await db()
    .update(automations)
    .set({ enabled, updatedBy: actor.userId, updatedAt: now, nextDueAt: scheduleOf(before.definition, enabled, now) })
    .where(and(eq(automations.id, id), eq(automations.workspaceId, actor.workspaceId)))
    .returning();
  enabledAutomations.forget();
  return withDefinition(row!);
}

export async function deleteAutomation(workspaceId: string, id: string): Promise<boolean> {
  const removed = await db()
    .delete(automations)
    .where(and(eq(automations.id, id), eq(automations.workspaceId, workspaceId)))
    .returning({ id: automations.id });
  enabledAutomations.forget();
  return removed.length > 0;
}

export async function listVersions(automationId: string): Promise<AutomationVersionRow[]> {
  return db().select().from(automationVersions).where(eq(automationVersions.automationId, automationId)).orderBy(desc(automationVersions.version));
}

/** The JSON a person exports to keep in git: name and definition, nothing of the workspace's. */
export function exportAutomation(automation: Automation): { name: string; definition: AutomationDefinition } {
  return { name: automation.name, definition: automation.definition };
}

/** The enabled automations a delivery from this source could start, for matching. */
export async function enabledDeliveryAutomations(workspaceId: string, providerId: string): Promise<readonly Automation[]> {
  const enabled = await enabledAutomations.get(workspaceId, async () => {
    await ensureShippedAutomations(workspaceId);
    const rows = await db()
      .select()
      .from(automations)
      .where(and(eq(automations.workspaceId, workspaceId), eq(automations.enabled, true)));
    return rows.map(withDefinition);
  });
  return enabled.filter((automation) => automation.definition.trigger.kind === "delivery" && automation.definition.trigger.providerId === providerId);
}

/** A workspace's enabled automations, read for every delivery processed: kept briefly, forgotten by every write of automations here. */
const enabledAutomations = keptBriefly<Automation[]>("KeptAutomations", 1000);
