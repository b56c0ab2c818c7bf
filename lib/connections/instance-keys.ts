import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { affectedRows, db } from "@/db/client";
import { instanceKeyShares, users } from "@/db/schema";
import { readVariable } from "@/lib/platform";
import { getProvider, type Provider } from "@/lib/providers";
import { ConnectionError } from "./errors";

/*
 * Instance-wide API keys (a provider's `apiKey.env`: STRIPE_API_KEY, SLACK_BOT_TOKEN, ...) are the
 * owners'. A member acts with one only while an owner shares it (a row in instance_key_shares
 * naming the key as it is now). Every path that could use an instance key asks instanceKeyAccess
 * at the moment it needs the key, so sharing and stopping take effect at once everywhere.
 */

/** What one person may do with a provider's instance-wide key. */
export type InstanceKeyAccess =
  { state: "unset"; owner: boolean } | { state: "usable"; owner: boolean; apiKey: string } | { state: "not_shared"; owner: false };

/** Who shared a provider's instance key and when; `current` is false once the key in the environment changed. */
export type InstanceKeyShare = { providerId: string; sharedBy: string; sharedAt: Date; current: boolean };

function fingerprint(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex");
}

function instanceKey(provider: Provider): string | undefined {
  return provider.apiKey ? readVariable(provider.apiKey.env) : undefined;
}

async function isOwner(userId: string): Promise<boolean> {
  const [row] = await db().select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.role === "owner";
}

/** Whether this person may act with the provider's instance-wide key now, read at the moment of use. */
export async function instanceKeyAccess(userId: string, provider: Provider): Promise<InstanceKeyAccess> {
  const owner = await isOwner(userId);
  const apiKey = instanceKey(provider);
  if (!apiKey) return { state: "unset", owner };
  if (owner) return { state: "usable", owner, apiKey };
  const [share] = await db()
    .select({ keySha256: instanceKeyShares.keySha256 })
    .from(instanceKeyShares)
    .where(eq(instanceKeyShares.providerId, provider.id))
    .limit(1);
  return share?.keySha256 === fingerprint(apiKey) ? { state: "usable", owner, apiKey } : { state: "not_shared", owner };
}

async function sharableProvider(actingUserId: string, providerId: string): Promise<Provider & { apiKey: NonNullable<Provider["apiKey"]> }> {
  if (!(await isOwner(actingUserId))) throw new ConnectionError("owner_only", "Only an owner can share the instance's keys with members.");
  const provider = getProvider(providerId);
  if (!provider?.apiKey) throw new ConnectionError("unknown_provider", `There is no API-key service "${providerId}".`);
  return provider as Provider & { apiKey: NonNullable<Provider["apiKey"]> };
}

/** An owner lets members act with the provider's instance key as it is now (sharing again records the new time and key). */
export async function shareInstanceKey(actingUserId: string, providerId: string, now = new Date()): Promise<void> {
  const provider = await sharableProvider(actingUserId, providerId);
  const apiKey = instanceKey(provider);
  if (!apiKey)
    throw new ConnectionError("missing_api_key", `${provider.apiKey.env} is not set on this instance, so there is no ${provider.name} key to share.`);
  const values = { keySha256: fingerprint(apiKey), sharedBy: actingUserId, sharedAt: now };
  await db()
    .insert(instanceKeyShares)
    .values({ providerId: provider.id, ...values })
    .onConflictDoUpdate({ target: instanceKeyShares.providerId, set: values });
}

/** An owner stops sharing: from the next use on, members act with the key no more. False when it was not shared. */
export async function stopSharingInstanceKey(actingUserId: string, providerId: string): Promise<boolean> {
  const provider = await sharableProvider(actingUserId, providerId);
  return affectedRows(await db().delete(instanceKeyShares).where(eq(instanceKeyShares.providerId, provider.id))) > 0;
}

/** Every share, with the name of who made it, for the Connections page. */
export async function listInstanceKeyShares(): Promise<InstanceKeyShare[]> {
  const rows = await db()
    .select({
      providerId: instanceKeyShares.providerId,
      keySha256: instanceKeyShares.keySha256,
      sharedAt: instanceKeyShares.sharedAt,
      name: users.name,
      email: users.email,
    })
    .from(instanceKeyShares)
    .innerJoin(users, eq(users.id, instanceKeyShares.sharedBy));
  return rows.map((row) => {
    const provider = getProvider(row.providerId);
    const apiKey = provider && instanceKey(provider);
    return {
      providerId: row.providerId,
      sharedBy: row.name ?? row.email ?? "an owner",
      sharedAt: row.sharedAt,
      current: Boolean(apiKey) && fingerprint(apiKey!) === row.keySha256,
    };
  });
}
