import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, lt, notExists, sql } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db, transaction, type Db } from "@/db/client";
import { accessTokens, oauthAuthorizationCodes, oauthClients } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { addressBucket } from "@/lib/auth";
import { env } from "@/lib/platform";

export type OAuthClient = typeof oauthClients.$inferSelect;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Where an authorization code may be sent (OAuth 2.1, RFC 8252): https anywhere; http only to
 * the loopback interface (native apps listening on a local port, as VS Code does); or an app's
 * private-use scheme in reverse-domain form (cursor://…). Never a fragment or credentials, never
 * a scheme a browser would run (javascript:, data:, file:).
 */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URI";
  }
  if (url.hash || value.includes("#")) return "must not contain a fragment";
  if (url.username || url.password) return "must not contain credentials";
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return undefined;
  if (scheme === "http") return LOOPBACK_HOSTS.has(url.hostname) ? undefined : "may use http only for localhost or 127.0.0.1";
  if (["javascript", "data", "file", "blob", "vbscript", "about", "ws", "wss", "ftp"].includes(scheme)) return `may not use the ${scheme}: scheme`;
  if (!scheme.includes(".")) return "must be https, http on loopback, or a private-use scheme such as com.example.app:";
  return undefined;
}

export const MAX_REDIRECT_URIS = 10;
export const MAX_REDIRECT_URI_LENGTH = 512;
const HOUR_MS = 60 * 60 * 1000;
/** A client that has not obtained a token within a day of registering is removed (sweepUnusedClients). */
export const UNUSED_CLIENT_LIFETIME_MS = 24 * HOUR_MS;

/** Whitespace and control characters anywhere, and the bidirectional controls that could disguise a name or URI. */
const INVISIBLE = /[\s\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/**
 * A redirect URI as registered: whitespace and control characters are refused, never trimmed; the
 * URI must pass redirectUriProblem; it is stored in its canonical form (the WHATWG URL
 * serialisation, which is also how a browser follows it), and /oauth/authorize compares exactly.
 */
const redirectUriSchema = z
  .string()
  .max(MAX_REDIRECT_URI_LENGTH)
  .refine((value) => !INVISIBLE.test(value), { message: "must not contain whitespace or control characters" })
  .transform((value, context) => {
    const problem = redirectUriProblem(value);
    if (problem) {
      context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    const canonical = new URL(value).href;
    if (canonical.length > MAX_REDIRECT_URI_LENGTH) {
      context.addIssue({ code: "custom", message: `is longer than ${MAX_REDIRECT_URI_LENGTH} characters once percent-encoded` });
      return z.NEVER;
    }
    return canonical;
  });

const registrationSchema = z.object({
  redirect_uris: z.array(redirectUriSchema).min(1).max(MAX_REDIRECT_URIS),
  client_name: z
    .string()
    .trim()
    .max(100)
    .refine((value) => !/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(value), { message: "must not contain control characters" })
    .optional(),
  client_uri: z.url().max(MAX_REDIRECT_URI_LENGTH).optional(),
  grant_types: z.array(z.string().max(100)).max(10).optional(),
  response_types: z.array(z.string().max(100)).max(10).optional(),
  token_endpoint_auth_method: z.string().max(100).optional(),
  scope: z.string().max(1000).optional(),
});

/** Who registers and when: the client address (undefined when nothing tells it) counts against its hourly limit. */
export type RegistrationContext = { address?: string; now?: number };

export type RegistrationResult =
  | { ok: true; client: OAuthClient }
  | { ok: false; status: 400; error: "invalid_redirect_uri" | "invalid_client_metadata"; description: string }
  | { ok: false; status: 429 | 503; error: "temporarily_unavailable"; description: string; retryAfterSeconds: number };

function invalid(error: "invalid_redirect_uri" | "invalid_client_metadata", description: string): RegistrationResult {
  return { ok: false, status: 400, error, description };
}

/** The address as the per-address limit counts it (IPv6 by /64), hashed like the sign-in throttle's keys. */
function addressKey(address: string): string {
  return createHash("sha256")
    .update(`oauth-register:${addressBucket(address)}`)
    .digest("hex");
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}

/** A client that never obtained a token (revoked ones count as obtained). */
const neverObtainedToken = (tx: Db) =>
  notExists(
    tx
      .select({ one: sql`1` })
      .from(accessTokens)
      .where(eq(accessTokens.clientId, oauthClients.id)),
  );

/**
 * Registration is unauthenticated, so it is bounded twice, both counted from the clients table:
 * per client address, OAUTH_REGISTRATIONS_PER_HOUR in the last hour (429); and in all,
 * OAUTH_MAX_PENDING_CLIENTS registered in the last day without a token yet (503, since it is not
 * this caller's doing). Retry-After is when the oldest registration counted leaves its window.
 */
async function overLimit(tx: Db, registeredFrom: string | null, now: number): Promise<RegistrationResult | undefined> {
  const config = env();
  if (registeredFrom) {
    const limit = config.OAUTH_REGISTRATIONS_PER_HOUR;
    const recent = await tx
      .select({ createdAt: oauthClients.createdAt })
      .from(oauthClients)
      .where(and(eq(oauthClients.registeredFrom, registeredFrom), gt(oauthClients.createdAt, new Date(now - HOUR_MS))))
      .orderBy(desc(oauthClients.createdAt))
      .limit(limit);
    if (recent.length >= limit) {
      return {
        ok: false,
        status: 429,
        error: "temporarily_unavailable",
        description: `This address has registered ${limit} clients in the last hour; try again later.`,
        retryAfterSeconds: secondsUntil(recent.at(-1)!.createdAt.getTime() + HOUR_MS, now),
      };
    }
  }
  const cap = config.OAUTH_MAX_PENDING_CLIENTS;
  const pending = await tx
    .select({ createdAt: oauthClients.createdAt })
    .from(oauthClients)
    .where(and(gt(oauthClients.createdAt, new Date(now - UNUSED_CLIENT_LIFETIME_MS)), neverObtainedToken(tx)))
    .orderBy(desc(oauthClients.createdAt))
    .limit(cap);
  if (pending.length >= cap) {
    return {
      ok: false,
      status: 503,
      error: "temporarily_unavailable",
      description: "Too many clients are registered and have not signed in yet; try again later.",
      retryAfterSeconds: secondsUntil(pending.at(-1)!.createdAt.getTime() + UNUSED_CLIENT_LIFETIME_MS, now),
    };
  }
  return undefined;
}

/**
 * Dynamic client registration (RFC 7591). Every client is registered as a public client
 * (`token_endpoint_auth_method: none`): it gets no secret, and proves itself with PKCE instead.
 */
export async function registerClient(body: unknown, { address, now = Date.now() }: RegistrationContext = {}): Promise<RegistrationResult> {
  const parsed = registrationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [field, index] = issue.path;
    if (field === "redirect_uris" && typeof index === "number" && Array.isArray((body as { redirect_uris?: unknown }).redirect_uris)) {
      const uri = String((body as { redirect_uris: unknown[] }).redirect_uris[index]).slice(0, 100);
      return invalid("invalid_redirect_uri", `redirect_uris[${index}] ${JSON.stringify(uri)} ${issue.message}.`);
    }
    const name = issue.path.join(".") || "body";
    return invalid(field === "redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata", `${name}: ${issue.message}`);
  }
  const metadata = parsed.data;
  if (metadata.grant_types && !metadata.grant_types.includes("authorization_code")) {
    return invalid("invalid_client_metadata", "grant_types: Patchbay issues tokens only by authorization_code.");
  }
  if (metadata.response_types && metadata.response_types.some((type) => type !== "code")) {
    return invalid("invalid_client_metadata", 'response_types: only "code" is supported.');
  }
  const registeredFrom = address ? addressKey(address) : null;
  return transaction(async (tx) => {
    // One registration at a time: racing requests (in any process) cannot all pass the same counts.
    await lockForTransaction("oauth-client-registration");
    const refused = await overLimit(tx, registeredFrom, now);
    if (refused) return refused;
    const [client] = await tx
      .insert(oauthClients)
      .values({
        id: `pbc_${randomBytes(16).toString("base64url")}`,
        name: metadata.client_name || "MCP client",
        redirectUris: metadata.redirect_uris,
        clientUri: metadata.client_uri,
        registeredFrom,
        createdAt: new Date(now),
      })
      .returning();
    return { ok: true, client: client! };
  });
}

/**
 * Removes the clients that have not obtained a token within a day of registering (nor hold a code
 * they are about to exchange). A client that did obtain one stays, even after its tokens are
 * revoked or expire: it is listed with them. Runs with retention (lib/server/retention.ts).
 */
export async function sweepUnusedClients(now = Date.now()): Promise<number> {
  const result = await db()
    .delete(oauthClients)
    .where(
      and(
        lt(oauthClients.createdAt, new Date(now - UNUSED_CLIENT_LIFETIME_MS)),
        neverObtainedToken(db()),
        notExists(
          db()
            .select({ one: sql`1` })
            .from(oauthAuthorizationCodes)
            .where(and(eq(oauthAuthorizationCodes.clientId, oauthClients.id), gt(oauthAuthorizationCodes.expiresAt, new Date(now)))),
        ),
      ),
    );
  return affectedRows(result);
}

/** The registration response (RFC 7591 §3.2.1): what was actually registered. */
export function clientInformation(client: OAuthClient) {
  return {
    client_id: client.id,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    client_name: client.name,
    ...(client.clientUri ? { client_uri: client.clientUri } : {}),
    redirect_uris: client.redirectUris,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}

export async function findClient(clientId: string): Promise<OAuthClient | undefined> {
  const [client] = await db().select().from(oauthClients).where(eq(oauthClients.id, clientId)).limit(1);
  return client;
}
