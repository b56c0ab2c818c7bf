import "server-only";
import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { type Actor, env, readVariable } from "@/lib/platform";
import { getProvider, type Provider } from "@/lib/providers";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type EndpointSummary = Omit<EndpointRow, "secretSealed" | "previousSecretSealed"> & { url: string; providerName: string };

function sealSecret(endpointId: string, column: "secret" | "previous_secret", value: string): string {
  return seal(keyRing(), value, { table: "webhook_endpoints", column, id: endpointId });
}

function unsealSecret(endpointId: string, column: "secret" | "previous_secret", value: string): string {
  return unseal(keyRing(), value, { table: "webhook_endpoints", column, id: endpointId });
}

/** A fresh signing secret in the form the provider's scheme expects (Standard Webhooks: whsec_ + base64). */
export function generateSecret(provider: Provider): string {
  const bytes = randomBytes(32);
  return provider.webhooks?.scheme === "standard-webhooks" ? `whsec_${bytes.toString("base64")}` : bytes.toString("hex");
}

export function endpointUrl(providerId: string, endpointId?: string): string {
  return `${env().APP_URL}/api/webhooks/${providerId}${endpointId ? `/${endpointId}` : ""}`;
}

function summary(row: EndpointRow): EndpointSummary {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    userId: row.userId,
    providerId: row.providerId,
    description: row.description,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
    events: row.events,
    remoteHookId: row.remoteHookId,
    remoteTarget: row.remoteTarget,
    createdAt: row.createdAt,
    url: endpointUrl(row.providerId, row.id),
    providerName: getProvider(row.providerId)?.name ?? row.providerId,
  };
}

export async function listEndpoints(workspaceId: string): Promise<EndpointSummary[]> {
  return (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, workspaceId)).orderBy(desc(webhookEndpoints.createdAt))).map(
    summary,
  );
}

export async function findEndpoint(workspaceId: string, endpointId: string): Promise<EndpointRow | undefined> {
  const [endpoint] = await db()
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId)))
    .limit(1);
  return endpoint;
}

/** Intake looks endpoints up by id alone: the URL is the capability, the signature the proof. */
export async function findEndpointForIntake(providerId: string, endpointId: string): Promise<EndpointRow | undefined> {
  if (!/^we_[a-z0-9]{16,32}$/.test(endpointId)) return undefined;
  const [endpoint] = await db()
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.providerId, providerId)))
    .limit(1);
  return endpoint;
}

/** The secrets a delivery may be signed with: the current one, then a rotated-out one still in its grace period. */
export function endpointSecrets(endpoint: EndpointRow, now = Date.now()): string[] {
  const secrets = [unsealSecret(endpoint.id, "secret", endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now) {
    secrets.push(unsealSecret(endpoint.id, "previous_secret", endpoint.previousSecretSealed));
  }
  return secrets;
}

/** The instance-wide secret for /api/webhooks/<provider>: <SECRET_ENV>, and <SECRET_ENV>_PREVIOUS during a rotation. */
export function instanceSecrets(provider: Provider): string[] {
  if (!provider.webhooks) return [];
  return [readVariable(provider.webhooks.secretEnv), readVariable(`${provider.webhooks.secretEnv}_PREVIOUS`)].filter((value): value is string =>
    Boolean(value),
  );
}

const eventName = /^[\w.*-]{1,80}$/;

/** The create form's events field: comma-separated event names (empty = not narrowed), deduplicated. */
export const endpointEventsSchema = z
  .string()
  .max(4000)
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((event) => event.trim())
        .filter(Boolean),
    ),
  ])
  .superRefine((events, context) => {
    const bad = events.filter((event) => !eventName.test(event));
    if (bad.length > 0) context.addIssue({ code: "custom", message: `Not an event name: ${bad.slice(0, 3).join(", ")} (letters, digits, _ . * - only).` });
    if (events.length > 50) context.addIssue({ code: "custom", message: "At most 50 events." });
  });

export type NewEndpoint = { providerId: string; description: string; events: string[]; secret?: string; remoteHookId?: string; remoteTarget?: string };

/** Creates an endpoint; the secret is returned once here and stored sealed. */
export async function createEndpoint({ userId, workspaceId }: Actor, input: NewEndpoint): Promise<{ endpoint: EndpointSummary; secret: string }> {
  const provider = getProvider(input.providerId);
  if (!provider?.webhooks) throw new Error(`${input.providerId} does not send webhooks`);
  const id = `we_${randomBytes(10).toString("hex")}`;
  const secret = input.secret ?? generateSecret(provider);
  const [row] = await db()
    .insert(webhookEndpoints)
    .values({
      id,
      workspaceId,
      userId,
      providerId: provider.id,
      description: input.description,
      events: input.events,
      secretSealed: sealSecret(id, "secret", secret),
      remoteHookId: input.remoteHookId,
      remoteTarget: input.remoteTarget,
    })
    .returning();
  return { endpoint: summary(row!), secret };
}

export async function setRemoteHook(workspaceId: string, endpointId: string, remoteHookId: string, remoteTarget: string): Promise<void> {
  await db()
    .update(webhookEndpoints)
    .set({ remoteHookId, remoteTarget })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId)));
}

/** A new secret (generated unless given), shown once; the old one keeps working for WEBHOOK_SECRET_GRACE_HOURS. */
export async function rotateEndpointSecret(workspaceId: string, endpointId: string, now = Date.now(), newSecret?: string): Promise<string | undefined> {
  const endpoint = await findEndpoint(workspaceId, endpointId);
  const provider = endpoint && getProvider(endpoint.providerId);
  if (!endpoint || !provider) return undefined;
  const secret = newSecret ?? generateSecret(provider);
  const current = unsealSecret(endpoint.id, "secret", endpoint.secretSealed);
  await db()
    .update(webhookEndpoints)
    .set({
      secretSealed: sealSecret(endpoint.id, "secret", secret),
      previousSecretSealed: sealSecret(endpoint.id, "previous_secret", current),
      previousSecretExpiresAt: new Date(now + env().WEBHOOK_SECRET_GRACE_HOURS * 3600 * 1000),
    })
    .where(eq(webhookEndpoints.id, endpoint.id));
  return secret;
}

export type SealedSecrets = Pick<EndpointRow, "secretSealed" | "previousSecretSealed" | "previousSecretExpiresAt">;

/** Puts an endpoint's secrets back as they were (a rotation the provider refused). */
export async function restoreSecrets(workspaceId: string, endpointId: string, secrets: SealedSecrets): Promise<void> {
  await db()
    .update(webhookEndpoints)
    .set({ secretSealed: secrets.secretSealed, previousSecretSealed: secrets.previousSecretSealed, previousSecretExpiresAt: secrets.previousSecretExpiresAt })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId)));
}

export async function deleteEndpoint(workspaceId: string, endpointId: string): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId))),
    ) > 0
  );
}
