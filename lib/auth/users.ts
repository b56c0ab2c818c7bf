import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { affectedRows, db, transaction, type Db } from "@/db/client";
import { accounts, signInChallenges, users } from "@/db/schema";
import { revokeAllAccessTokens } from "@/lib/auth/access-tokens";
import { forgetInstanceOwner } from "@/db/sql/intake";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { hashPassword, verifyPassword } from "./password";
import type { NewAccount } from "./schemas";
import { addMember, DEFAULT_WORKSPACE_ID, forgetWorkspaceOwners, type WorkspaceRole } from "./workspaces";

export type UserRole = "owner" | "member";
export type PublicUser = { id: string; name: string | null; email: string | null; role: UserRole; image: string | null };

const publicColumns = { id: users.id, name: users.name, email: users.email, role: users.role, image: users.image };

export class AccountExistsError extends Error {
  override name = "AccountExistsError";
}

export async function countUsers(): Promise<number> {
  const [row] = await db().select({ value: count() }).from(users);
  return row?.value ?? 0;
}

export async function findUserById(id: string): Promise<PublicUser | undefined> {
  const [row] = await db().select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/** The user a session signed in at `signedInAt` belongs to, unless their password changed after it. */
export async function findSessionUser(id: string, signedInAt: number): Promise<PublicUser | undefined> {
  const [row] = await db()
    .select({ ...publicColumns, sessionsValidFrom: users.sessionsValidFrom })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  if (!row || (row.sessionsValidFrom !== null && signedInAt < row.sessionsValidFrom)) return undefined;
  return { id: row.id, name: row.name, email: row.email, role: row.role, image: row.image };
}

export async function findUserForSignIn(email: string) {
  const [row] = await db()
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row;
}

/** The person a sign-in provider's account (GitHub) is linked to, if any. */
export async function linkedUserId(provider: string, providerAccountId: string): Promise<string | undefined> {
  const [row] = await db()
    .select({ userId: accounts.userId })
    .from(accounts)
    .where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)))
    .limit(1);
  return row?.userId;
}

export async function listUsers(): Promise<PublicUser[]> {
  return db().select(publicColumns).from(users).orderBy(asc(users.createdAt));
}

/** Held by the transactions that count users or owners before changing them (db/sql/transaction-lock.ts). */
const USERS_LOCK = "users";

/**
 * Creates a local account. `onlyIfFirst` makes it the first-run owner: the check and the insert
 * happen in one transaction, so two racing first-run forms cannot both create an owner. The person
 * joins `membership`'s workspace with its role (the default workspace, as owner for the instance's
 * owner and member otherwise, unless told; `null`: no workspace yet, for an invite to add).
 */
export async function createLocalUser(
  account: NewAccount,
  role: UserRole,
  onlyIfFirst = false,
  membership: { workspaceId: string; role: WorkspaceRole } | null = { workspaceId: DEFAULT_WORKSPACE_ID, role: role === "owner" ? "owner" : "member" },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(account.password);
  return transaction(async (tx) => {
    await lockForTransaction(USERS_LOCK);
    const [existing] = await tx.select({ value: count() }).from(users);
    if (onlyIfFirst && (existing?.value ?? 0) > 0) {
      throw new AccountExistsError("The owner account already exists. Sign in instead.");
    }
    const [sameEmail] = await tx.select({ id: users.id }).from(users).where(eq(users.email, account.email)).limit(1);
    if (sameEmail) {
      throw new AccountExistsError("An account with this email already exists.");
    }
    const [created] = await tx.insert(users).values({ name: account.name, email: account.email, passwordHash, role }).returning(publicColumns);
    if (membership) await addMember(membership.workspaceId, created!.id, membership.role, tx);
    return created!;
  });
}

/** A change the owner asked for that would leave the instance without an owner, or hit no one. */
export class UserChangeError extends Error {
  override name = "UserChangeError";
}

async function ownerCount(tx: Pick<Db, "select">): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(users).where(eq(users.role, "owner"));
  return row?.value ?? 0;
}

/** Removes a person and everything of theirs (cascades); an owner cannot remove themselves. */
export async function removeUser(actingOwnerId: string, userId: string): Promise<void> {
  if (actingOwnerId === userId) throw new UserChangeError("You cannot remove yourself. Make someone else owner first, and let them remove you.");
  await transaction(async (tx) => {
    await lockForTransaction(USERS_LOCK);
    const [target] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
    if (!target) throw new UserChangeError("That person does not exist.");
    if (target.role === "owner" && (await ownerCount(tx)) <= 1) throw new UserChangeError("That is the only owner.");
    await tx.delete(users).where(eq(users.id, userId));
  });
  forgetInstanceOwner();
  forgetWorkspaceOwners();
}

/** Makes a person owner or member; the last owner stays owner. */
export async function setRole(userId: string, role: UserRole): Promise<void> {
  await transaction(async (tx) => {
    await lockForTransaction(USERS_LOCK);
    const [target] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
    if (!target) throw new UserChangeError("That person does not exist.");
    if (target.role === "owner" && role === "member" && (await ownerCount(tx)) <= 1)
      throw new UserChangeError("There must be at least one owner: make someone else owner first.");
    await tx.update(users).set({ role }).where(eq(users.id, userId));
  });
  forgetInstanceOwner();
}

/**
 * Sets a new password and ends every session the person signed in before it: someone who had the
 * old password, or a cookie, is out. Unless told otherwise (a person changing their own password
 * chooses), it also revokes all their access tokens, which a thief with a cookie could have made
 * first; answers how many were revoked.
 */
export async function setPassword(userId: string, password: string, { revokeTokens = true }: { revokeTokens?: boolean } = {}): Promise<number> {
  const passwordHash = await hashPassword(password);
  return transaction(async (tx) => {
    const changed = affectedRows(await tx.update(users).set({ passwordHash, sessionsValidFrom: Date.now() }).where(eq(users.id, userId)));
    if (changed === 0) throw new UserChangeError("That person does not exist.");
    // A sign-in that got past the old password and waits for its code ends here too.
    await tx.delete(signInChallenges).where(eq(signInChallenges.userId, userId));
    return revokeTokens ? revokeAllAccessTokens(userId, tx) : 0;
  });
}

/** A person's own password change: the current password must be right (accounts from GitHub sign-in have none). Answers how many access tokens were revoked. */
export async function changeOwnPassword(
  userId: string,
  currentPassword: string,
  newPassword: string,
  { revokeTokens = false }: { revokeTokens?: boolean } = {},
): Promise<number> {
  const [stored] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (!stored) throw new UserChangeError("That person does not exist.");
  if (stored.passwordHash && !(await verifyPassword(currentPassword, stored.passwordHash))) throw new UserChangeError("The current password is not right.");
  return setPassword(userId, newPassword, { revokeTokens });
}

/** Whether the person has a local password (GitHub sign-in accounts may not). */
export async function hasPassword(userId: string): Promise<boolean> {
  const [row] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  return Boolean(row?.passwordHash);
}
