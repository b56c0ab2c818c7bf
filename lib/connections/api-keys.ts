import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { db, transaction } from "@/db/client";
import { connections } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { getProvider, type Provider } from "@/lib/providers";
import { ConnectionError } from "./errors";
import { instanceKeyAccess } from "./instance-keys";
import { ProviderRequestError, providerRequest } from "./provider-request";
import { connectionLockName, sealFor, unsealFrom, type ConnectionRow } from "./store";

/** API-key connections have one row per user and provider. */
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
 */
export async function saveApiKey(userId: string, providerId: string, rawKey: string, options: { unchecked?: boolean } = {}): Promise<ConnectionRow> {
  const provider = apiKeyProvider(providerId);
  const apiKey = apiKeyInputSchema.parse(rawKey);
  if (!options.unchecked) await checkKey(provider, apiKey);
  const now = new Date();
  return transaction(async (tx) => {
    await lockForTransaction(connectionLockName(userId, providerId, API_KEY_ACCOUNT));
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.accountId, API_KEY_ACCOUNT)))
      .limit(1);
    const id = existing?.id ?? crypto.randomUUID();
    const values = {
      authKind: "api_key" as const,
      accountLabel: "API key",
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
          .values({ id, userId, providerId, accountId: API_KEY_ACCOUNT, ...values })
          .returning();
    return saved!;
  });
}

export type ResolvedApiKey = { apiKey: string; source: "user" | "environment" };

/**
 * The user's own key first, then the instance-wide <SERVICE>_API_KEY if they may act with it (an
 * owner, or a member while an owner shares it: lib/connections/instance-keys.ts); otherwise an
 * error saying what this person can do. Every path to an API key comes through here.
 */
export async function resolveApiKey(userId: string, providerId: string): Promise<ResolvedApiKey> {
  const provider = apiKeyProvider(providerId);
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.accountId, API_KEY_ACCOUNT)))
    .limit(1);
  if (row?.apiKeySealed) return { apiKey: unsealFrom(row.id, "api_key", row.apiKeySealed), source: "user" };
  const instance = await instanceKeyAccess(userId, provider);
  if (instance.state === "usable") return { apiKey: instance.apiKey, source: "environment" };
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
