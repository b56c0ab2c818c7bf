import "server-only";
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, transaction } from "@/db/client";
import { connections } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { getProvider, type Provider } from "@/lib/providers";
import { ConnectionError } from "./errors";
import { instanceKeyAccess } from "./instance-keys";
import { ProviderRequestError, providerRequest } from "./provider-request";
import { chosenConnectionId, scopeWorkspaceId } from "./run-scope";
import { connectionLockName, findConnection, sameAccount, sealFor, unsealFrom, type ConnectionOwner, type ConnectionRow } from "./store";

/** API-key connections have one row per user and provider (personal), and one per workspace and provider (shared). */
export const API_KEY_ACCOUNT = "api-key";

export const apiKeyInputSchema = z
  .string()
  .trim()
  .min(8, { message: "That is too short to be an API key." })
  .max(512, { message: "That is too long to be an API key." })
  .regex(/^\S+$/, { message: "An API key has no spaces." });

function apiKeyProvider(providerId: string): Provider & { apiKey: NonNullable<Provider["apiKey"]> } {
  const provider = getProvider(providerId);
  if (!provider?.apiKey) throw new ConnectionError("unknown_provider", `There is no API-key service "${providerId}".`);
  return provider as Provider & { apiKey: NonNullable<Provider["apiKey"]> };
}

async function checkKey(provider: Provider & { apiKey: NonNullable<Provider["apiKey"]> }, apiKey: string): Promise<void> {
  if (!provider.apiKey.check) return;
  try {
    await providerRequest(provider, provider.apiKey.check, { apiKey });
  } catch (error) {
    if (error instanceof ProviderRequestError && (error.status === 401 || error.status === 403)) {
      throw new ConnectionError("invalid_api_key", `${provider.name} rejected this key (HTTP ${error.status}). Nothing was saved.`);
    }
    throw new ConnectionError(
      "check_failed",
      `Could not check the key: ${(error as Error).message}. Nothing was saved yet; you can save the key without checking it.`,
    );
  }
}

/**
 * Checks the key with the provider (where a cheap check exists), then saves it sealed. When the
 * provider cannot be reached the person may save it unchecked; a key the provider refused never is.
 * `sharedIn` saves it as the workspace's shared key (its admins decide that, in the action), which
 * members without a key of their own act with; the person's own key is a separate row.
 */
export async function saveApiKey(
  userId: string,
  providerId: string,
  rawKey: string,
  options: { unchecked?: boolean; sharedIn?: string } = {},
): Promise<ConnectionRow> {
  const provider = apiKeyProvider(providerId);
  const apiKey = apiKeyInputSchema.parse(rawKey);
  if (!options.unchecked) await checkKey(provider, apiKey);
  const owner: ConnectionOwner = { userId, sharedIn: options.sharedIn };
  const now = new Date();
  return transaction(async (tx) => {
    await lockForTransaction(connectionLockName(options.sharedIn ?? userId, providerId, API_KEY_ACCOUNT));
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(sameAccount(owner, providerId, API_KEY_ACCOUNT))
      .limit(1);
    const id = existing?.id ?? crypto.randomUUID();
    const values = {
      authKind: "api_key" as const,
      accountLabel: options.sharedIn ? `${provider.name} API key (shared)` : "API key",
      apiKeySealed: sealFor(id, "api_key", apiKey),
      apiKeyLast4: apiKey.slice(-4),
      status: "active" as const,
      lastError: null,
      updatedAt: now,
    };
    const [saved] = existing
      ? await tx.update(connections).set(values).where(eq(connections.id, id)).returning()
      : await tx
          .insert(connections)
          .values({ id, userId, workspaceId: options.sharedIn ?? null, providerId, accountId: API_KEY_ACCOUNT, ...values })
          .returning();
    return saved!;
  });
}

export type ResolvedApiKey = {
  apiKey: string;
  /** The person's own key, the workspace's shared key, or the instance-wide one. */
  source: "user" | "workspace" | "environment";
  /** The connection row that acted ("environment" for the instance key), as runs record it. */
  connectionId: string | "environment";
};

function fromRow(row: ConnectionRow): ResolvedApiKey {
  return { apiKey: unsealFrom(row.id, "api_key", row.apiKeySealed!), source: row.workspaceId ? "workspace" : "user", connectionId: row.id };
}

async function apiKeyRow(where: SQL): Promise<ConnectionRow | undefined> {
  const [row] = await db().select().from(connections).where(where).limit(1);
  return row?.apiKeySealed ? row : undefined;
}

/**
 * The key a person acts with for a provider, in the workspace of the current work (run-scope.ts)
 * or the one given: the key they picked for this run (theirs or the workspace's shared one), else
 * their own key, else the workspace's shared key, else the instance-wide <SERVICE>_API_KEY if they
 * may act with it (an owner, or a member while an owner shares it: lib/connections/instance-keys.ts);
 * otherwise an error saying what this person can do. Every path to an API key comes through here.
 */
export async function resolveApiKey(userId: string, providerId: string, workspaceId: string | undefined = scopeWorkspaceId()): Promise<ResolvedApiKey> {
  const provider = apiKeyProvider(providerId);
  const chosenId = chosenConnectionId(providerId);
  const chosen = chosenId ? await findConnection(userId, chosenId, workspaceId ?? null) : undefined;
  if (chosen?.providerId === providerId && chosen.authKind === "api_key" && chosen.apiKeySealed) return fromRow(chosen);
  const own = await apiKeyRow(
    and(eq(connections.userId, userId), isNull(connections.workspaceId), eq(connections.providerId, providerId), eq(connections.accountId, API_KEY_ACCOUNT))!,
  );
  if (own) return fromRow(own);
  const shared = workspaceId
    ? await apiKeyRow(and(eq(connections.workspaceId, workspaceId), eq(connections.providerId, providerId), eq(connections.accountId, API_KEY_ACCOUNT))!)
    : undefined;
  if (shared) return fromRow(shared);
  const instance = await instanceKeyAccess(userId, provider);
  if (instance.state === "usable") return { apiKey: instance.apiKey, source: "environment", connectionId: "environment" };
  if (instance.state === "not_shared") {
    throw new ConnectionError(
      "instance_key_not_shared",
      `No ${provider.name} API key of yours: add one on the Connections page, or ask an owner to share this instance's ${provider.name} key with members.`,
    );
  }
  throw new ConnectionError(
    "missing_api_key",
    instance.owner
      ? `No ${provider.name} API key: add one on the Connections page, or set ${provider.apiKey.env} on this instance.`
      : `No ${provider.name} API key: add yours on the Connections page.`,
  );
}
