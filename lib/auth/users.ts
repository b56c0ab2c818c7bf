import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { db, prepared } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { hashPassword, verifyPassword } from "./password";
import type { NewAccount } from "./schemas";

export type UserRole = "owner" | "member";
export type PublicUser = { id: string; name: string | null; email: string | null; role: UserRole; image: string | null };

const publicColumns = { id: users.id, name: users.name, email: users.email, role: users.role, image: users.image };

export class AccountExistsError extends Error {
  override name = "AccountExistsError";
}

export function countUsers(): number {
  return db().select({ value: count() }).from(users).get()?.value ?? 0;
}

export function findUserById(id: string): PublicUser | undefined {
  return db().select(publicColumns).from(users).where(eq(users.id, id)).get();
}

export function findUserForSignIn(email: string) {
  return db()
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .get();
}

export function isLinkedAccount(provider: string, providerAccountId: string): boolean {
  return (
    db()
      .select({ userId: accounts.userId })
      .from(accounts)
      .where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)))
      .get() !== undefined
  );
}

/** The instance owner: deliveries to the instance-wide webhook URLs are theirs. */
/** The first owner: instance-wide webhooks are theirs. Read for every delivery, so the statement is prepared once. */
export function instanceOwnerId(): string | undefined {
  return (prepared("select id from user where role = 'owner' order by created_at limit 1").get() as { id: string } | undefined)?.id;
}

export function listUsers(): PublicUser[] {
  return db().select(publicColumns).from(users).orderBy(asc(users.createdAt)).all();
}

/**
 * Creates a local account. `onlyIfFirst` makes it the first-run owner: the check and the insert
 * happen in one transaction, so two racing first-run forms cannot both create an owner.
 */
export async function createLocalUser(account: NewAccount, role: UserRole, onlyIfFirst = false): Promise<PublicUser> {
  const passwordHash = await hashPassword(account.password);
  return db().transaction((tx) => {
    if (onlyIfFirst && (tx.select({ value: count() }).from(users).get()?.value ?? 0) > 0) {
      throw new AccountExistsError("The owner account already exists. Sign in instead.");
    }
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, account.email)).get()) {
      throw new AccountExistsError("An account with this email already exists.");
    }
    return tx
      .insert(users)
      .values({ name: account.name, email: account.email, passwordHash, role })
      .returning(publicColumns)
      .get();
  }, { behavior: "immediate" });
}

/** A change the owner asked for that would leave the instance without an owner, or hit no one. */
export class UserChangeError extends Error {
  override name = "UserChangeError";
}

function ownerCount(tx: Pick<ReturnType<typeof db>, "select">): number {
  return tx.select({ value: count() }).from(users).where(eq(users.role, "owner")).get()?.value ?? 0;
}

/** Removes a person and everything of theirs (cascades); an owner cannot remove themselves. */
export function removeUser(actingOwnerId: string, userId: string): void {
  if (actingOwnerId === userId) throw new UserChangeError("You cannot remove yourself. Make someone else owner first, and let them remove you.");
  db().transaction((tx) => {
    const target = tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).get();
    if (!target) throw new UserChangeError("That person does not exist.");
    if (target.role === "owner" && ownerCount(tx) <= 1) throw new UserChangeError("That is the only owner.");
    tx.delete(users).where(eq(users.id, userId)).run();
  }, { behavior: "immediate" });
}

/** Makes a person owner or member; the last owner stays owner. */
export function setRole(userId: string, role: UserRole): void {
  db().transaction((tx) => {
    const target = tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).get();
    if (!target) throw new UserChangeError("That person does not exist.");
    if (target.role === "owner" && role === "member" && ownerCount(tx) <= 1) throw new UserChangeError("There must be at least one owner: make someone else owner first.");
    tx.update(users).set({ role }).where(eq(users.id, userId)).run();
  }, { behavior: "immediate" });
}

/** Sets a new password (the owner resetting one, or a person after proving the current one). */
export async function setPassword(userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const changed = db().update(users).set({ passwordHash }).where(eq(users.id, userId)).run().changes;
  if (changed === 0) throw new UserChangeError("That person does not exist.");
}

/** A person's own password change: the current password must be right (accounts from GitHub sign-in have none). */
export async function changeOwnPassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
  const stored = db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
  if (!stored) throw new UserChangeError("That person does not exist.");
  if (stored.passwordHash && !(await verifyPassword(currentPassword, stored.passwordHash))) throw new UserChangeError("The current password is not right.");
  await setPassword(userId, newPassword);
}

/** Whether the person has a local password (GitHub sign-in accounts may not). */
export function hasPassword(userId: string): boolean {
  return Boolean(db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()?.passwordHash);
}
