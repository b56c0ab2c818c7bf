import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { db, transaction, type Db } from "@/db/client";
import { memberships, users, workspaces, type WorkspaceRole } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { keptBriefly } from "@/lib/platform";

export { DEFAULT_WORKSPACE_ID, workspaceRoles, type WorkspaceRole } from "@/db/schema";

/**
 * What each role may do, lowest first: a viewer reads logs, runs and alerts and changes nothing; a
 * member runs tools, replays and makes personal connections; an admin manages endpoints,
 * forwarding, shared connections, imports and people; an owner also manages the workspace.
 */
const RANK: Record<WorkspaceRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function atLeast(role: WorkspaceRole, minimum: WorkspaceRole): boolean {
  return RANK[role] >= RANK[minimum];
}

/** What a role is for, in the words a page uses when it refuses. */
export const ROLE_DUTIES: Record<WorkspaceRole, string> = {
  viewer: "read logs, runs and alerts",
  member: "run tools, replay deliveries and connect their own accounts",
  admin: "manage endpoints, forwarding, shared connections, imported APIs and people",
  owner: "manage the workspace and its settings",
};

export type WorkspaceMembership = { workspaceId: string; name: string; role: WorkspaceRole; requireSecondFactor: boolean };

/** The workspaces a person belongs to, oldest membership first. */
export async function membershipsOf(userId: string): Promise<WorkspaceMembership[]> {
  return db()
    .select({ workspaceId: workspaces.id, name: workspaces.name, role: memberships.role, requireSecondFactor: workspaces.requireSecondFactor })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.id));
}

/** A person's role in one workspace, or undefined when they are not in it. */
export async function roleIn(userId: string, workspaceId: string): Promise<WorkspaceRole | undefined> {
  const [row] = await db()
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)))
    .limit(1);
  return row?.role;
}

export type WorkspaceMember = { id: string; name: string | null; email: string | null; image: string | null; role: WorkspaceRole };

export async function listMembers(workspaceId: string): Promise<WorkspaceMember[]> {
  return db()
    .select({ id: users.id, name: users.name, email: users.email, image: users.image, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt));
}

/** A change to a workspace's people that would leave it without an owner, or hit no one. */
export class MembershipError extends Error {
  override name = "MembershipError";
}

/** Held by the transactions that count a workspace's owners before changing them (db/sql/transaction-lock.ts). */
const MEMBERSHIP_LOCK = "memberships";

async function ownerCount(tx: Pick<Db, "select">, workspaceId: string): Promise<number> {
  const [row] = await tx
    .select({ value: count() })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")));
  return row?.value ?? 0;
}

/** Adds a person to a workspace with a role, or changes the role of one already in it. */
export async function addMember(workspaceId: string, userId: string, role: WorkspaceRole, tx: Pick<Db, "insert"> = db()): Promise<void> {
  await tx
    .insert(memberships)
    .values({ workspaceId, userId, role })
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role } });
  firstOwners.forget();
}

/**
 * Changes a member's role. Only an owner makes or unmakes owners (`actorRole`), and the last owner
 * stays owner.
 */
export async function setMemberRole(workspaceId: string, actorRole: WorkspaceRole, userId: string, role: WorkspaceRole): Promise<void> {
  await transaction(async (tx) => {
    await lockForTransaction(MEMBERSHIP_LOCK);
    const [target] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
      .limit(1);
    if (!target) throw new MembershipError("That person is not in this workspace.");
    if ((target.role === "owner" || role === "owner") && actorRole !== "owner") throw new MembershipError("Only an owner can make or unmake owners.");
    if (target.role === "owner" && role !== "owner" && (await ownerCount(tx, workspaceId)) <= 1)
      throw new MembershipError("A workspace needs an owner: make someone else owner first.");
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  });
  firstOwners.forget();
}

/** Takes a person out of a workspace (their personal connections stay theirs); the last owner stays. */
export async function removeMember(workspaceId: string, actorRole: WorkspaceRole, userId: string): Promise<void> {
  await transaction(async (tx) => {
    await lockForTransaction(MEMBERSHIP_LOCK);
    const [target] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
      .limit(1);
    if (!target) throw new MembershipError("That person is not in this workspace.");
    if (target.role === "owner" && actorRole !== "owner") throw new MembershipError("Only an owner can remove an owner.");
    if (target.role === "owner" && (await ownerCount(tx, workspaceId)) <= 1) throw new MembershipError("That is the workspace's only owner.");
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  });
  firstOwners.forget();
}

/** A new workspace with its creator as owner. */
export async function createWorkspace(name: string, ownerId: string): Promise<string> {
  return transaction(async (tx) => {
    const [created] = await tx.insert(workspaces).values({ name }).returning({ id: workspaces.id });
    await addMember(created!.id, ownerId, "owner", tx);
    return created!.id;
  });
}

export async function updateWorkspace(workspaceId: string, change: { name?: string; requireSecondFactor?: boolean }): Promise<void> {
  await db().update(workspaces).set(change).where(eq(workspaces.id, workspaceId));
}

export async function findWorkspace(workspaceId: string): Promise<{ id: string; name: string; requireSecondFactor: boolean } | undefined> {
  const [row] = await db()
    .select({ id: workspaces.id, name: workspaces.name, requireSecondFactor: workspaces.requireSecondFactor })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  return row;
}

/**
 * The workspace's first owner: work that belongs to the workspace but no one started (an
 * instance-wide delivery's workflow) acts as them. Read for every such delivery processed, so kept
 * briefly; every change of memberships here forgets it (and removing a person: `forgetWorkspaceOwners`).
 */
export async function workspaceOwnerId(workspaceId: string): Promise<string | undefined> {
  return firstOwners.get(workspaceId, async () => {
    const [row] = await db()
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")))
      .orderBy(asc(memberships.createdAt))
      .limit(1);
    return row?.userId;
  });
}

const firstOwners = keptBriefly<string | undefined>("KeptWorkspaceOwner", 1000);

/** Forgets the first owners kept (a person removed: their memberships went with them). */
export function forgetWorkspaceOwners(): void {
  firstOwners.forget();
}
