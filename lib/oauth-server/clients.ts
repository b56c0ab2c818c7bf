import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { oauthClients } from "@/db/schema";

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

const registrationSchema = z.object({
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  client_name: z.string().trim().max(100).optional(),
  client_uri: z.url().max(2000).optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  scope: z.string().optional(),
});

export type RegistrationResult =
  | { ok: true; client: OAuthClient }
  | { ok: false; error: "invalid_redirect_uri" | "invalid_client_metadata"; description: string };

/**
 * Dynamic client registration (RFC 7591). Every client is registered as a public client
 * (`token_endpoint_auth_method: none`): it gets no secret, and proves itself with PKCE instead.
 */
export async function registerClient(body: unknown): Promise<RegistrationResult> {
  const parsed = registrationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "body";
    return { ok: false, error: field.startsWith("redirect_uris") ? "invalid_redirect_uri" : "invalid_client_metadata", description: `${field}: ${issue.message}` };
  }
  const metadata = parsed.data;
  for (const uri of metadata.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return { ok: false, error: "invalid_redirect_uri", description: `redirect_uris: ${uri} ${problem}.` };
  }
  if (metadata.grant_types && !metadata.grant_types.includes("authorization_code")) {
    return { ok: false, error: "invalid_client_metadata", description: "grant_types: Patchbay issues tokens only by authorization_code." };
  }
  if (metadata.response_types && metadata.response_types.some((type) => type !== "code")) {
    return { ok: false, error: "invalid_client_metadata", description: 'response_types: only "code" is supported.' };
  }
  const [client] = await db()
    .insert(oauthClients)
    .values({
      id: `pbc_${randomBytes(16).toString("base64url")}`,
      name: metadata.client_name || "MCP client",
      redirectUris: metadata.redirect_uris,
      clientUri: metadata.client_uri,
    })
    .returning();
  return { ok: true, client: client! };
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
