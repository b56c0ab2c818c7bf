import "server-only";
import { and, desc, eq, like, lt, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { log } from "@/lib/platform";
import { membershipsOf } from "./workspaces";

/** What the audit log records: people, access, credentials, and changes to what the workspace runs. */
export const auditActions = [
  "sign_in",
  "sign_in_failed",
  "invite_created",
  "invite_revoked",
  "invite_accepted",
  "member_added",
  "role_changed",
  "member_removed",
  "workspace_created",
  "workspace_updated",
  "connection_created",
  "connection_removed",
  "instance_key_shared",
  "instance_key_unshared",
  "api_key_saved",
  "connection_shared",
  "connection_unshared",
  "token_created",
  "token_revoked",
  "password_changed",
  "password_reset",
  "second_factor_enabled",
  "second_factor_disabled",
  "endpoint_created",
  "endpoint_removed",
  "endpoint_secret_rotated",
  "delivery_replayed",
  "tool_run",
  "workflow_run",
  "api_imported",
  "api_removed",
  "api_tools_chosen",
  "forwarding_created",
  "forwarding_changed",
  "forwarding_removed",
  "forwarding_tested",
  "delivery_replayed_to_url",
  "alert_channel_created",
  "alert_channel_removed",
  "automation_created",
  "automation_changed",
  "automation_enabled",
  "automation_disabled",
  "automation_removed",
  "automation_run",
  "agent_call_approved",
  "agent_tool_revoked",
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Detail values that look like secrets never reach the log, whatever a caller passes. */
const SECRET_KEY = /secret|token|password|key|code|credential|authorization/i;

function withoutSecrets(detail: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (SECRET_KEY.test(key)) continue;
    if (value === null || typeof value === "number" || typeof value === "boolean") kept[key] = value;
    else if (typeof value === "string") kept[key] = value.slice(0, 200);
  }
  return kept;
}

export type AuditEntry = {
  /** The workspace it happened in; null for the person's own account (sign-in, password, second factor). */
  workspaceId: string | null;
  actor: { id: string | null; label: string };
  action: AuditAction;
  /** What it was done to, in words a reader recognises: an email, an endpoint id, a tool id. */
  target?: string;
  detail?: Record<string, unknown>;
};

/**
 * Records one entry. The audit log is evidence, not a gate: a failure to write it is logged and
 * does not undo what was done.
 */
export async function audit(entry: AuditEntry, now = Date.now()): Promise<void> {
  try {
    await db()
      .insert(auditEvents)
      .values({
        workspaceId: entry.workspaceId,
        actorId: entry.actor.id,
        actorLabel: entry.actor.label.slice(0, 200),
        action: entry.action,
        target: (entry.target ?? "").slice(0, 200),
        detail: withoutSecrets(entry.detail ?? {}),
        at: now,
      });
  } catch (error) {
    log.error("audit entry not written", { action: entry.action, error: (error as Error).message });
  }
}

/** Records an event of a person's own account (a sign-in, a password change) in each workspace they belong to, where its admins read it. */
export async function auditPerson(
  person: { id: string; email: string | null; name: string | null },
  action: AuditAction,
  detail: Record<string, unknown> = {},
): Promise<void> {
  for (const { workspaceId } of await membershipsOf(person.id))
    await audit({ workspaceId, actor: actorOf(person), action, target: person.email ?? "", detail });
}

/** How a person appears in the log: their email, else their name. */
export function actorOf(person: { id: string; email: string | null; name: string | null }): AuditEntry["actor"] {
  return { id: person.id, label: person.email ?? person.name ?? person.id };
}

export type AuditFilters = { action?: string; actor?: string; before?: number };
export type AuditRow = { id: number; at: number; actorLabel: string; action: string; target: string; detail: Record<string, unknown> };

export const AUDIT_PAGE_SIZE = 50;

/** A workspace's entries, newest first, filtered by action and by who (email or name, a prefix), a page at a time. */
export async function listAudit(workspaceId: string, filters: AuditFilters = {}, limit = AUDIT_PAGE_SIZE): Promise<AuditRow[]> {
  const conditions: SQL[] = [eq(auditEvents.workspaceId, workspaceId)];
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.actor) conditions.push(like(auditEvents.actorLabel, `${filters.actor.replace(/[%_\\]/g, "")}%`));
  if (filters.before) conditions.push(lt(auditEvents.id, filters.before));
  return db()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      actorLabel: auditEvents.actorLabel,
      action: auditEvents.action,
      target: auditEvents.target,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

/** Removes entries older than the retention (AUDIT_RETENTION_DAYS); answers how many went. */
export async function trimAudit(olderThan: number): Promise<number> {
  const removed = await db().delete(auditEvents).where(lt(auditEvents.at, olderThan)).returning({ id: auditEvents.id });
  return removed.length;
}
