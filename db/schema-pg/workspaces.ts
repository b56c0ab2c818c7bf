// Generated from db/schema-sqlite/workspaces.ts by `npm run db:schema:pg`: edit that file, not this one.
import { users } from "./auth";
import { createdAt, defineTable, epochMs, index, jsonValue, primaryKey, serialId, text, timestampMs, boolean, uniqueIndex } from "./common";

/** The workspace every install has: the instance-wide intake URLs deliver to it, and an existing install moved into it. */
export const DEFAULT_WORKSPACE_ID = "default";

/** A team's space: it owns the shared things (endpoints and deliveries, forwarding, alerts, imported APIs, runs). */
export const workspaces = defineTable("workspaces", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name").notNull(),
  /** Every member must have a second factor before using this workspace. */
  requireSecondFactor: boolean("require_second_factor").notNull().default(false),
  /** When the automations Patchbay ships were added (once: deleting one keeps it deleted). */
  automationsSeededAt: epochMs("automations_seeded_at"),
  createdAt: createdAt(),
});

export const workspaceRoles = ["owner", "admin", "member", "viewer"] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];

export const memberships = defineTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: workspaceRoles }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.userId] }), index("memberships_user").on(table.userId)],
);

/** A single-use link inviting an email address into a workspace with a role; only the token's SHA-256 is kept. */
export const invites = defineTable(
  "invites",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: workspaceRoles }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestampMs("expires_at").notNull(),
    acceptedAt: timestampMs("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestampMs("revoked_at"),
  },
  (table) => [uniqueIndex("invites_token").on(table.tokenHash), index("invites_workspace").on(table.workspaceId, table.createdAt)],
);

/** Who did what and when. `detail` holds names and ids, never a secret. */
export const auditEvents = defineTable(
  "audit_events",
  {
    id: serialId("id"),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull().default(""),
    detail: jsonValue("detail").$type<Record<string, unknown>>().notNull(),
    at: epochMs("at").notNull(),
  },
  (table) => [index("audit_events_workspace_time").on(table.workspaceId, table.at), index("audit_events_time").on(table.at)],
);
