import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { affectedRows, db, transaction } from "@/db/client";
import { openapiOperations, openapiSpecs } from "@/db/schema";
import { apiDependsOnConnection, credentialFor, providerApiOrigin } from "@/lib/connections";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { getProvider } from "@/lib/providers";
import { defaultApiName } from "./api-name";
import { OpenApiImportError, type RequestRecipe, type SecurityScheme } from "./document";
import { customScheme, ENABLE_ALL_UP_TO, importRequestSchema, ReplaceNotConfirmedError, type ImportRequest, type ImportRequestInput } from "./import-request";
import type { FormSchema } from "./json-schema";
import type { AppliedCredential } from "./request";
import { parseOrThrow, readSource } from "./source";

type SpecRow = typeof openapiSpecs.$inferSelect;
export type OperationRow = typeof openapiOperations.$inferSelect;
export type SpecSummary = Omit<SpecRow, "document" | "credentialSealed">;
export type OperationSummary = Pick<OperationRow, "toolId" | "operationId" | "method" | "path" | "summary" | "tags" | "deprecated" | "enabled">;

function checkAuth({ auth, serverUrl }: ImportRequest, schemes: Record<string, SecurityScheme>): void {
  if (auth.kind === "none") return;
  const scheme = typeof auth.scheme === "string" ? schemes[auth.scheme] : customScheme(auth.scheme);
  if (!scheme) throw new OpenApiImportError([{ location: "auth.scheme", message: `The description declares no security scheme "${auth.scheme}".` }]);
  if (scheme.type === "mutualTLS" || (scheme.type === "http" && scheme.scheme !== "bearer" && scheme.scheme !== "basic")) {
    throw new OpenApiImportError([
      {
        location: "auth.scheme",
        message: `Patchbay cannot authenticate with "${auth.scheme}" (${scheme.type}${scheme.type === "http" ? ` ${scheme.scheme}` : ""}).`,
      },
    ]);
  }
  if (auth.kind === "connection") {
    const provider = getProvider(auth.providerId);
    if (!provider) throw new OpenApiImportError([{ location: "auth.providerId", message: `There is no provider "${auth.providerId}".` }]);
    // A connection's credential (and the instance-wide key behind it) only ever goes to the provider's own API.
    // Where that API's address is each connection's own (a Salesforce instance), the run binds the
    // credential to the connection's origin instead (credentialFor), and a call elsewhere is refused then.
    if (apiDependsOnConnection(provider)) return;
    const origin = providerApiOrigin(provider);
    if (new URL(serverUrl).origin !== origin) {
      throw new OpenApiImportError([
        {
          location: "serverUrl",
          message: `${provider.name} credentials are only sent to ${origin}. Choose a server there, or paste a key for ${new URL(serverUrl).origin} instead.`,
        },
      ]);
    }
  }
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
export async function saveImport(workspaceId: string, input: ImportRequestInput): Promise<SpecSummary> {
  const request = importRequestSchema.parse(input);
  const { text, sourceUrl } = await readSource(request.source);
  const spec = await parseOrThrow(text);
  checkAuth(request, spec.securitySchemes);
  const slug = request.name ?? (await defaultApiName(workspaceId, spec.title));
  const auth = request.auth;
  const now = new Date();
  return transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: openapiSpecs.id })
      .from(openapiSpecs)
      .where(and(eq(openapiSpecs.workspaceId, workspaceId), eq(openapiSpecs.slug, slug)))
      .limit(1);
    if (existing && !request.replace)
      throw new ReplaceNotConfirmedError(`You have an API named "${slug}" already: preview the difference and confirm to replace it, or choose another name.`);
    const id = existing?.id ?? randomUUID();
    const earlierChoices = new Map(
      existing
        ? (
            await tx
              .select({ toolId: openapiOperations.toolId, enabled: openapiOperations.enabled })
              .from(openapiOperations)
              .where(eq(openapiOperations.specId, id))
          ).map((row) => [row.toolId, row.enabled])
        : [],
    );
    const chosen = request.enabledToolIds ? new Set(request.enabledToolIds) : undefined;
    const enabledByDefault = spec.operations.length <= ENABLE_ALL_UP_TO;
    const values = {
      title: spec.title,
      version: spec.version,
      description: spec.description,
      specVersion: spec.specVersion,
      sourceUrl: sourceUrl ?? null,
      document: typeof text === "string" ? text : text.toString("utf8"),
      serverUrl: request.serverUrl.replace(/\/+$/, ""),
      securitySchemes: spec.securitySchemes,
      authKind: auth.kind,
      authScheme: auth.kind === "none" || typeof auth.scheme !== "string" ? null : auth.scheme,
      authCustomScheme: auth.kind === "none" || typeof auth.scheme === "string" ? null : (customScheme(auth.scheme) as Record<string, unknown>),
      authProviderId: auth.kind === "connection" ? auth.providerId : null,
      credentialSealed: auth.kind === "secret" ? sealCredential(id, auth.secret) : null,
      credentialLast4: auth.kind === "secret" ? auth.secret.slice(-4) : null,
      operationCount: spec.operations.length,
      warnings: spec.warnings,
      skipped: spec.skipped,
      updatedAt: now,
    };
    if (existing) {
      await tx.update(openapiSpecs).set(values).where(eq(openapiSpecs.id, id));
      await tx.delete(openapiOperations).where(eq(openapiOperations.specId, id));
    } else {
      await tx.insert(openapiSpecs).values({ id, workspaceId, slug, ...values });
    }
    const rows = spec.operations.map((operation, position) => {
      const toolId = `${slug}.${operation.slug}`;
      return {
        specId: id,
        workspaceId,
        toolId,
        position,
        operationId: operation.operationId ?? null,
        method: operation.method,
        path: operation.path,
        summary: operation.summary,
        description: operation.description,
        tags: operation.tags,
        deprecated: operation.deprecated,
        inputSchema: operation.inputSchema as Record<string, unknown>,
        request: operation.request as unknown as Record<string, unknown>,
        enabled: chosen ? chosen.has(toolId) : (earlierChoices.get(toolId) ?? enabledByDefault),
      };
    });
    for (let start = 0; start < rows.length; start += 200) await tx.insert(openapiOperations).values(rows.slice(start, start + 200));
    const [saved] = await tx.select(summaryColumns).from(openapiSpecs).where(eq(openapiSpecs.id, id)).limit(1);
    return saved!;
  });
}

/** Makes exactly these operations of one API tools (the others stay imported but are not tools); answers how many are enabled. */
export async function setEnabledOperations(workspaceId: string, specId: string, toolIds: string[]): Promise<number | undefined> {
  const chosen = new Set(toolIds);
  return transaction(async (tx) => {
    const [spec] = await tx
      .select({ id: openapiSpecs.id })
      .from(openapiSpecs)
      .where(and(eq(openapiSpecs.id, specId), eq(openapiSpecs.workspaceId, workspaceId)))
      .limit(1);
    if (!spec) return undefined;
    const rows = await tx
      .select({ toolId: openapiOperations.toolId })
      .from(openapiOperations)
      .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.workspaceId, workspaceId)));
    const enabled = rows.filter((row) => chosen.has(row.toolId)).map((row) => row.toolId);
    await tx
      .update(openapiOperations)
      .set({ enabled: false })
      .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.workspaceId, workspaceId)));
    for (let start = 0; start < enabled.length; start += 500) {
      await tx
        .update(openapiOperations)
        .set({ enabled: true })
        .where(
          and(
            eq(openapiOperations.specId, specId),
            eq(openapiOperations.workspaceId, workspaceId),
            inArray(openapiOperations.toolId, enabled.slice(start, start + 500)),
          ),
        );
    }
    return enabled.length;
  });
}

const summaryColumns = {
  id: openapiSpecs.id,
  workspaceId: openapiSpecs.workspaceId,
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
  authCustomScheme: openapiSpecs.authCustomScheme,
  authProviderId: openapiSpecs.authProviderId,
  credentialLast4: openapiSpecs.credentialLast4,
  operationCount: openapiSpecs.operationCount,
  warnings: openapiSpecs.warnings,
  skipped: openapiSpecs.skipped,
  createdAt: openapiSpecs.createdAt,
  updatedAt: openapiSpecs.updatedAt,
};

export async function listSpecs(workspaceId: string): Promise<SpecSummary[]> {
  return db().select(summaryColumns).from(openapiSpecs).where(eq(openapiSpecs.workspaceId, workspaceId)).orderBy(asc(openapiSpecs.title));
}

export async function getSpec(workspaceId: string, specId: string): Promise<SpecSummary | undefined> {
  const [spec] = await db()
    .select(summaryColumns)
    .from(openapiSpecs)
    .where(and(eq(openapiSpecs.id, specId), eq(openapiSpecs.workspaceId, workspaceId)))
    .limit(1);
  return spec;
}

export async function deleteSpec(workspaceId: string, specId: string): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .delete(openapiSpecs)
        .where(and(eq(openapiSpecs.id, specId), eq(openapiSpecs.workspaceId, workspaceId))),
    ) > 0
  );
}

const operationSummaryColumns = {
  toolId: openapiOperations.toolId,
  operationId: openapiOperations.operationId,
  method: openapiOperations.method,
  path: openapiOperations.path,
  summary: openapiOperations.summary,
  tags: openapiOperations.tags,
  deprecated: openapiOperations.deprecated,
  enabled: openapiOperations.enabled,
};

/** Every operation of one API, enabled or not (the API page, where the person chooses). */
export async function listOperations(workspaceId: string, specId: string): Promise<OperationSummary[]> {
  return db()
    .select(operationSummaryColumns)
    .from(openapiOperations)
    .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.workspaceId, workspaceId)))
    .orderBy(asc(openapiOperations.position));
}

/** The operations of one API that are tools. */
export async function listEnabledOperationSummaries(workspaceId: string, specId: string): Promise<OperationSummary[]> {
  return db()
    .select(operationSummaryColumns)
    .from(openapiOperations)
    .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.workspaceId, workspaceId), eq(openapiOperations.enabled, true)))
    .orderBy(asc(openapiOperations.position));
}

export type ImportedOperation = { operation: OperationRow & { inputSchema: FormSchema; request: RequestRecipe }; spec: SpecSummary };

/** One enabled imported operation of this user's, with its API; a disabled one, or another user's, finds nothing. */
export async function findOperation(workspaceId: string, toolId: string): Promise<ImportedOperation | undefined> {
  const [row] = await db()
    .select({ operation: openapiOperations, spec: summaryColumns })
    .from(openapiOperations)
    .innerJoin(openapiSpecs, eq(openapiOperations.specId, openapiSpecs.id))
    .where(and(eq(openapiOperations.workspaceId, workspaceId), eq(openapiOperations.toolId, toolId), eq(openapiOperations.enabled, true)))
    .limit(1);
  return row as ImportedOperation | undefined;
}

/**
 * Every imported operation this user has enabled, across their APIs, with its API: what the
 * runner, the agent and MCP offer as tools (lib/tools/openapi/imported-tool.ts turns each
 * into a Mastra tool with listImportedTools). Disabled operations are never in it.
 */
export async function listEnabledOperations(workspaceId: string): Promise<ImportedOperation[]> {
  return (await db()
    .select({ operation: openapiOperations, spec: summaryColumns })
    .from(openapiOperations)
    .innerJoin(openapiSpecs, eq(openapiOperations.specId, openapiSpecs.id))
    .where(and(eq(openapiOperations.workspaceId, workspaceId), eq(openapiOperations.enabled, true)))
    .orderBy(asc(openapiSpecs.title), asc(openapiOperations.toolId))) as ImportedOperation[];
}

/**
 * The credential an imported API's calls carry, resolved at call time for the person running it (a connection's token is
 * refreshed when due), bound to where it may go: a connection's credential to its provider's API
 * origin (whatever server the import names), a key pasted for this API to the server chosen with it.
 */
export async function credentialForSpec(userId: string, spec: SpecSummary): Promise<AppliedCredential | undefined> {
  if (spec.authKind === "none") return undefined;
  // The person's own scheme goes with every operation (schemeName null); a declared one where operations accept it.
  const schemeName = spec.authCustomScheme ? null : spec.authScheme;
  const scheme = spec.authCustomScheme
    ? (spec.authCustomScheme as SecurityScheme)
    : spec.authScheme
      ? (spec.securitySchemes as Record<string, SecurityScheme>)[spec.authScheme]
      : undefined;
  if (!scheme) return undefined;
  if (spec.authKind === "connection") {
    const { credential, origins, owner } = await credentialFor(userId, spec.authProviderId!);
    return { schemeName, scheme, value: "accessToken" in credential ? credential.accessToken : credential.apiKey, origins, owner };
  }
  const [row] = await db()
    .select({ sealed: openapiSpecs.credentialSealed })
    .from(openapiSpecs)
    .where(eq(openapiSpecs.id, spec.id)) // the spec was found in the caller's workspace
    .limit(1);
  if (!row?.sealed) return undefined;
  const value = unseal(keyRing(), row.sealed, { table: "openapi_specs", column: "credential", id: spec.id });
  return { schemeName, scheme, value, origins: [new URL(spec.serverUrl).origin], owner: `the key saved for ${spec.title}` };
}
