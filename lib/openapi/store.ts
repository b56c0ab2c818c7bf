import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { openapiOperations, openapiSpecs } from "@/db/schema";
import { credentialFor } from "@/lib/connections/credentials";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { httpRequest } from "@/lib/http/client";
import { getProvider } from "@/lib/providers";
import { OpenApiImportError, slugify, type ParsedSpec, type RequestRecipe, type SecurityScheme } from "./document";
import type { FormSchema } from "./json-schema";
import { parseDescription } from "./parse";
import type { AppliedCredential } from "./request";

/** The largest description accepted (GitHub's REST description is about 13 MB). */
export const MAX_SPEC_BYTES = 40 * 1024 * 1024;

export const specSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string().min(1, "Paste a description or choose a file.").max(MAX_SPEC_BYTES, "The description is larger than 40 MB.") }),
  z.object({ kind: z.literal("url"), url: z.url({ protocol: /^https?$/, message: "Enter an http or https URL." }) }),
]);

export const importAuthSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("connection"), scheme: z.string().min(1), providerId: z.string().min(1) }),
  z.object({ kind: z.literal("secret"), scheme: z.string().min(1), secret: z.string().min(1, "Enter the key or token.").max(8192) }),
]);

export const importRequestSchema = z.object({
  source: specSourceSchema,
  serverUrl: z.url({ protocol: /^https?$/, message: "Choose or enter the server URL (http or https)." }),
  auth: importAuthSchema.default({ kind: "none" }),
});

export type SpecSource = z.infer<typeof specSourceSchema>;
export type ImportRequest = z.infer<typeof importRequestSchema>;
type SpecRow = typeof openapiSpecs.$inferSelect;
export type OperationRow = typeof openapiOperations.$inferSelect;
export type SpecSummary = Omit<SpecRow, "document" | "credentialSealed">;
export type OperationSummary = Pick<OperationRow, "toolId" | "method" | "path" | "summary" | "tags" | "deprecated">;

/** The text of a description: pasted, or fetched from a URL through the guarded client (no private addresses). */
export async function readSource(source: SpecSource): Promise<{ text: string; sourceUrl?: string }> {
  if (source.kind === "text") return { text: source.text };
  const response = await httpRequest({ url: source.url, headers: { accept: "application/json, application/yaml, text/yaml, */*" }, guard: true, timeoutMs: 30_000 });
  if (response.status >= 400) throw new OpenApiImportError([{ location: "", message: `${new URL(source.url).host} answered ${response.status} for the description.` }]);
  const text = typeof response.body === "string" ? response.body : JSON.stringify(response.body ?? "");
  if (text.length > MAX_SPEC_BYTES) throw new OpenApiImportError([{ location: "", message: "The description is larger than 40 MB." }]);
  return { text, sourceUrl: source.url };
}

/** Server URLs as a person can use them: relative ones resolved against where the description came from. */
export function resolveServers(spec: ParsedSpec, sourceUrl?: string): { url: string; description?: string }[] {
  return spec.servers.flatMap((server) => {
    try {
      return [{ ...server, url: new URL(server.url, sourceUrl).toString().replace(/\/+$/, "") }];
    } catch {
      return [];
    }
  });
}

export function specSlug(title: string): string {
  return slugify(title.toLowerCase(), "api", 40);
}

export async function parseOrThrow(text: string): Promise<ParsedSpec> {
  const result = await parseDescription(text);
  if (!result.ok) throw new OpenApiImportError(result.problems);
  return result.spec;
}

function checkAuth(auth: ImportRequest["auth"], schemes: Record<string, SecurityScheme>): void {
  if (auth.kind === "none") return;
  const scheme = schemes[auth.scheme];
  if (!scheme) throw new OpenApiImportError([{ location: "auth.scheme", message: `The description declares no security scheme "${auth.scheme}".` }]);
  if (scheme.type === "mutualTLS" || (scheme.type === "http" && scheme.scheme !== "bearer" && scheme.scheme !== "basic")) {
    throw new OpenApiImportError([{ location: "auth.scheme", message: `Patchbay cannot authenticate with "${auth.scheme}" (${scheme.type}${scheme.type === "http" ? ` ${scheme.scheme}` : ""}).` }]);
  }
  if (auth.kind === "connection" && !getProvider(auth.providerId)) throw new OpenApiImportError([{ location: "auth.providerId", message: `There is no provider "${auth.providerId}".` }]);
  if (auth.kind === "secret" && scheme.type === "http" && scheme.scheme === "basic" && !auth.secret.includes(":")) {
    throw new OpenApiImportError([{ location: "auth.secret", message: "Basic authentication takes user:password." }]);
  }
}

function sealCredential(specId: string, value: string): string {
  return seal(keyRing(), value, { table: "openapi_specs", column: "credential", id: specId });
}

/**
 * Saves an imported API: the description, the chosen server and credential, and one operation row
 * per tool. Importing an API with the same title again replaces its operations in one transaction.
 */
export async function saveImport(userId: string, request: ImportRequest): Promise<SpecSummary> {
  const { text, sourceUrl } = await readSource(request.source);
  const spec = await parseOrThrow(text);
  checkAuth(request.auth, spec.securitySchemes);
  const slug = specSlug(spec.title);
  const now = new Date();
  return db().transaction((tx) => {
    const existing = tx.select({ id: openapiSpecs.id }).from(openapiSpecs).where(and(eq(openapiSpecs.userId, userId), eq(openapiSpecs.slug, slug))).get();
    const id = existing?.id ?? randomUUID();
    const values = {
      title: spec.title,
      version: spec.version,
      description: spec.description,
      specVersion: spec.specVersion,
      sourceUrl: sourceUrl ?? null,
      document: text,
      serverUrl: request.serverUrl.replace(/\/+$/, ""),
      securitySchemes: spec.securitySchemes,
      authKind: request.auth.kind,
      authScheme: request.auth.kind === "none" ? null : request.auth.scheme,
      authProviderId: request.auth.kind === "connection" ? request.auth.providerId : null,
      credentialSealed: request.auth.kind === "secret" ? sealCredential(id, request.auth.secret) : null,
      credentialLast4: request.auth.kind === "secret" ? request.auth.secret.slice(-4) : null,
      operationCount: spec.operations.length,
      updatedAt: now,
    };
    if (existing) {
      tx.update(openapiSpecs).set(values).where(eq(openapiSpecs.id, id)).run();
      tx.delete(openapiOperations).where(eq(openapiOperations.specId, id)).run();
    } else {
      tx.insert(openapiSpecs).values({ id, userId, slug, ...values }).run();
    }
    const rows = spec.operations.map((operation) => ({
      specId: id,
      userId,
      toolId: `${slug}.${operation.slug}`,
      operationId: operation.operationId ?? null,
      method: operation.method,
      path: operation.path,
      summary: operation.summary,
      description: operation.description,
      tags: operation.tags,
      deprecated: operation.deprecated,
      inputSchema: operation.inputSchema as Record<string, unknown>,
      request: operation.request as unknown as Record<string, unknown>,
    }));
    for (let start = 0; start < rows.length; start += 200) tx.insert(openapiOperations).values(rows.slice(start, start + 200)).run();
    return tx.select(summaryColumns).from(openapiSpecs).where(eq(openapiSpecs.id, id)).get()!;
  });
}

const summaryColumns = {
  id: openapiSpecs.id,
  userId: openapiSpecs.userId,
  slug: openapiSpecs.slug,
  title: openapiSpecs.title,
  version: openapiSpecs.version,
  description: openapiSpecs.description,
  specVersion: openapiSpecs.specVersion,
  sourceUrl: openapiSpecs.sourceUrl,
  serverUrl: openapiSpecs.serverUrl,
  securitySchemes: openapiSpecs.securitySchemes,
  authKind: openapiSpecs.authKind,
  authScheme: openapiSpecs.authScheme,
  authProviderId: openapiSpecs.authProviderId,
  credentialLast4: openapiSpecs.credentialLast4,
  operationCount: openapiSpecs.operationCount,
  createdAt: openapiSpecs.createdAt,
  updatedAt: openapiSpecs.updatedAt,
};

export function listSpecs(userId: string): SpecSummary[] {
  return db().select(summaryColumns).from(openapiSpecs).where(eq(openapiSpecs.userId, userId)).orderBy(asc(openapiSpecs.title)).all();
}

export function getSpec(userId: string, specId: string): SpecSummary | undefined {
  return db().select(summaryColumns).from(openapiSpecs).where(and(eq(openapiSpecs.id, specId), eq(openapiSpecs.userId, userId))).get();
}

export function deleteSpec(userId: string, specId: string): boolean {
  return db().delete(openapiSpecs).where(and(eq(openapiSpecs.id, specId), eq(openapiSpecs.userId, userId))).run().changes > 0;
}

export function listOperations(userId: string, specId: string): OperationSummary[] {
  return db()
    .select({ toolId: openapiOperations.toolId, method: openapiOperations.method, path: openapiOperations.path, summary: openapiOperations.summary, tags: openapiOperations.tags, deprecated: openapiOperations.deprecated })
    .from(openapiOperations)
    .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.userId, userId)))
    .all();
}

export type ImportedOperation = { operation: OperationRow & { inputSchema: FormSchema; request: RequestRecipe }; spec: SpecSummary };

/** One imported operation of this user's, with its API; another user's tool id finds nothing. */
export function findOperation(userId: string, toolId: string): ImportedOperation | undefined {
  const row = db()
    .select({ operation: openapiOperations, spec: summaryColumns })
    .from(openapiOperations)
    .innerJoin(openapiSpecs, eq(openapiOperations.specId, openapiSpecs.id))
    .where(and(eq(openapiOperations.userId, userId), eq(openapiOperations.toolId, toolId)))
    .get();
  return row as ImportedOperation | undefined;
}

/** The credential an imported API's calls carry, resolved at call time (a connection's token is refreshed when due). */
export async function credentialForSpec(userId: string, spec: SpecSummary): Promise<AppliedCredential | undefined> {
  if (spec.authKind === "none" || !spec.authScheme) return undefined;
  const scheme = (spec.securitySchemes as Record<string, SecurityScheme>)[spec.authScheme];
  if (!scheme) return undefined;
  if (spec.authKind === "connection") {
    const { credential } = await credentialFor(userId, spec.authProviderId!);
    return { schemeName: spec.authScheme, scheme, value: "accessToken" in credential ? credential.accessToken : credential.apiKey };
  }
  const row = db().select({ sealed: openapiSpecs.credentialSealed }).from(openapiSpecs).where(and(eq(openapiSpecs.id, spec.id), eq(openapiSpecs.userId, userId))).get();
  if (!row?.sealed) return undefined;
  return { schemeName: spec.authScheme, scheme, value: unseal(keyRing(), row.sealed, { table: "openapi_specs", column: "credential", id: spec.id }) };
}
