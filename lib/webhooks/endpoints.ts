import "server-only";
import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { type Actor, env, processState, readVariable } from "@/lib/platform";
import { noticeBus, publish } from "@/db/notifications";
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

/** What intake needs of an endpoint: its workspace, and the secrets a delivery may be signed with now. */
export type IntakeEndpoint = { id: string; workspaceId: string; secrets: string[] };

/** How long intake trusts an endpoint it looked up: a change made in another process counts from at most this later. */
const INTAKE_ENDPOINT_TTL_MS = 5000;
/** More endpoints than this kept at once: start again (a bound, not a policy; an instance has far fewer). */
const INTAKE_ENDPOINTS_KEPT = 10_000;

type KeptEndpoints = { byUrl: Map<string, { endpoint: IntakeEndpoint; until: number }>; generation: number; listening: boolean };
const kept = processState<KeptEndpoints>("IntakeEndpoints", () => ({ byUrl: new Map(), generation: 0, listening: false }));

const ENDPOINT_ID = /^we_[a-z0-9]{16,32}$/;

/**
 * The endpoint a delivery URL names, as intake needs it. Looked up by id alone: the URL is the
 * capability, the signature the proof. A lookup is kept for INTAKE_ENDPOINT_TTL_MS (never past a
 * previous secret's grace period): with its select and the unsealing of its secrets it cost about
 * as much as the rest of intake did for a delivery on SQLite. Every change to an endpoint forgets
 * what is kept, in this process at once and in the others through the "endpoint" notice
 * (PostgreSQL); the lifetime bounds what a lost notice can leave behind.
 */
export function intakeEndpoint(providerId: string, endpointId: string): IntakeEndpoint | undefined | Promise<IntakeEndpoint | undefined> {
  if (!ENDPOINT_ID.test(endpointId)) return undefined;
  const key = `${providerId}/${endpointId}`;
  const found = kept.byUrl.get(key);
  if (found && Date.now() < found.until) return found.endpoint;
  const generation = kept.generation;
  return findEndpointByUrl(providerId, endpointId).then((row) => {
    if (!row) return undefined;
    const now = Date.now();
    const endpoint = { id: row.id, workspaceId: row.workspaceId, secrets: endpointSecrets(row, now) };
    // A change while this was read (its forget came first) must not be undone by keeping the old row.
    if (generation === kept.generation) keep(key, endpoint, Math.min(now + INTAKE_ENDPOINT_TTL_MS, row.previousSecretExpiresAt?.getTime() ?? Infinity));
    return endpoint;
  });
}

function keep(key: string, endpoint: IntakeEndpoint, until: number): void {
  if (!kept.listening) {
    kept.listening = true;
    noticeBus.on("endpoint", forgetIntakeEndpoints);
  }
  if (kept.byUrl.size >= INTAKE_ENDPOINTS_KEPT) kept.byUrl.clear();
  kept.byUrl.set(key, { endpoint, until });
}

/** Drops every endpoint intake kept (this process only; see endpointChanged). */
export function forgetIntakeEndpoints(): void {
  kept.generation++;
  kept.byUrl.clear();
}

/** After any change to an endpoint (its secrets, its removal, its workspace's): no process's intake goes on with the old one. */
export function endpointChanged(endpointId: string): void {
  forgetIntakeEndpoints();
  publish("endpoint", { endpointId });
}

/** The endpoint a delivery URL names, read now (intakeEndpoint keeps what intake needs of it; processing asks who made it). */
export async function findEndpointByUrl(providerId: string, endpointId: string): Promise<EndpointRow | undefined> {
  if (!ENDPOINT_ID.test(endpointId)) return undefined;
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
  endpointChanged(endpoint.id);
  return secret;
}

export type SealedSecrets = Pick<EndpointRow, "secretSealed" | "previousSecretSealed" | "previousSecretExpiresAt">;

/** Puts an endpoint's secrets back as they were (a rotation the provider refused). */
export async function restoreSecrets(workspaceId: string, endpointId: string, secrets: SealedSecrets): Promise<void> {
  await db()
    .update(webhookEndpoints)
    .set({ secretSealed: secrets.secretSealed, previousSecretSealed: secrets.previousSecretSealed, previousSecretExpiresAt: secrets.previousSecretExpiresAt })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId)));
  endpointChanged(endpointId);
}

export async function deleteEndpoint(workspaceId: string, endpointId: string): Promise<boolean> {
  const deleted =
    affectedRows(
      await db()
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId))),
    ) > 0;
  if (deleted) endpointChanged(endpointId);
  return deleted;
}
