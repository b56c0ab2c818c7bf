import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { db, prepared } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { hashPassword } from "./password";
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
