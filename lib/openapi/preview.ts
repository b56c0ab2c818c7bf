import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { openapiOperations, openapiSpecs } from "@/db/schema";
import type { Problem, SecurityScheme, ServerEntry, SkippedOperation } from "./document";
import { defaultApiName } from "./api-name";
import { ENABLE_ALL_UP_TO, type SpecSource } from "./import-request";
import { parseOrThrow, readSource, resolveServers } from "./source";

export type PreviewOperation = { toolId: string; operationId: string | null; method: string; path: string; summary: string; tags: string[]; enabled: boolean };
export type OperationChange = { toolId: string; method: string; path: string; changed: ("method" | "path" | "inputs")[] };

/** What replacing an earlier import would do; choices are kept for the operations that remain. */
export type ImportDiff = {
  title: string;
  operationCount: number;
  added: PreviewOperation[];
  removed: { toolId: string; method: string; path: string }[];
  changed: OperationChange[];
  unchanged: number;
};

export type ImportPreview = {
  title: string;
  version: string;
  specVersion: string;
  description: string;
  /** The API's name (its tool ids' prefix): the one asked for, else the earlier import's of this title, else one suggested from the title. */
  slug: string;
  servers: ServerEntry[];
  securitySchemes: Record<string, SecurityScheme>;
  operationCount: number;
  /** Each operation with whether it starts enabled: an earlier choice, else all when there are at most 50, else none. */
  operations: PreviewOperation[];
  /** True when the API is large enough that nothing starts enabled. */
  chooseFirst: boolean;
  skipped: SkippedOperation[];
  warnings: Problem[];
  /** Set when saving replaces an API this user imported before. */
  replaces?: ImportDiff;
};

async function diffAgainst(
  workspaceId: string,
  specId: string,
  title: string,
  operations: (PreviewOperation & { inputSchema: unknown })[],
): Promise<{ diff: ImportDiff; choices: Map<string, boolean> }> {
  const stored = await db()
    .select({
      toolId: openapiOperations.toolId,
      method: openapiOperations.method,
      path: openapiOperations.path,
      inputSchema: openapiOperations.inputSchema,
      enabled: openapiOperations.enabled,
    })
    .from(openapiOperations)
    .where(and(eq(openapiOperations.specId, specId), eq(openapiOperations.workspaceId, workspaceId)));
  const before = new Map(stored.map((row) => [row.toolId, row]));
  const after = new Set(operations.map((operation) => operation.toolId));
  const diff: ImportDiff = { title, operationCount: stored.length, added: [], removed: [], changed: [], unchanged: 0 };
  for (const operation of operations) {
    const old = before.get(operation.toolId);
    if (!old) {
      diff.added.push(operation);
      continue;
    }
    const changed: OperationChange["changed"] = [];
    if (old.method !== operation.method) changed.push("method");
    if (old.path !== operation.path) changed.push("path");
    if (JSON.stringify(old.inputSchema) !== JSON.stringify(operation.inputSchema)) changed.push("inputs");
    if (changed.length) diff.changed.push({ toolId: operation.toolId, method: operation.method, path: operation.path, changed });
    else diff.unchanged++;
  }
  for (const row of stored) if (!after.has(row.toolId)) diff.removed.push({ toolId: row.toolId, method: row.method, path: row.path });
  return { diff, choices: new Map(stored.map((row) => [row.toolId, row.enabled])) };
}

/** What saving would create (under `name`, or the name suggested), read from the description without storing anything. */
export async function previewImport(workspaceId: string, source: SpecSource, name?: string): Promise<ImportPreview> {
  const { text, sourceUrl } = await readSource(source);
  const spec = await parseOrThrow(text);
  const slug = name ?? (await defaultApiName(workspaceId, spec.title));
  const chooseFirst = spec.operations.length > ENABLE_ALL_UP_TO;
  const operations = spec.operations.map((operation) => ({
    toolId: `${slug}.${operation.slug}`,
    operationId: operation.operationId ?? null,
    method: operation.method,
    path: operation.path,
    summary: operation.summary,
    tags: operation.tags,
    enabled: !chooseFirst,
    inputSchema: operation.inputSchema,
  }));
  const [existing] = await db()
    .select({ id: openapiSpecs.id, title: openapiSpecs.title })
    .from(openapiSpecs)
    .where(and(eq(openapiSpecs.workspaceId, workspaceId), eq(openapiSpecs.slug, slug)))
    .limit(1);
  const earlier = existing ? await diffAgainst(workspaceId, existing.id, existing.title, operations) : undefined;
  return {
    title: spec.title,
    version: spec.version,
    specVersion: spec.specVersion,
    description: spec.description,
    slug,
    servers: resolveServers(spec, sourceUrl),
    securitySchemes: spec.securitySchemes,
    operationCount: spec.operations.length,
    operations: operations.map((operation) => ({
      toolId: operation.toolId,
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      summary: operation.summary,
      tags: operation.tags,
      enabled: earlier?.choices.get(operation.toolId) ?? operation.enabled,
    })),
    chooseFirst: chooseFirst && !earlier,
    skipped: spec.skipped,
    warnings: spec.warnings,
    ...(earlier ? { replaces: earlier.diff } : {}),
  };
}
