import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { openapiSpecs } from "@/db/schema";
import type { Problem, SecurityScheme } from "./document";
import { parseOrThrow, readSource, resolveServers, specSlug, type SpecSource } from "./store";

export type ImportPreview = {
  title: string;
  version: string;
  specVersion: string;
  description: string;
  slug: string;
  servers: { url: string; description?: string }[];
  securitySchemes: Record<string, SecurityScheme>;
  operationCount: number;
  tags: { tag: string; operations: { toolId: string; method: string; path: string; summary: string }[] }[];
  warnings: Problem[];
  /** Set when saving replaces an API this user imported before. */
  replaces?: { title: string; operationCount: number };
};

/** What saving would create, read from the description without storing anything. */
export async function previewImport(userId: string, source: SpecSource): Promise<ImportPreview> {
  const { text, sourceUrl } = await readSource(source);
  const spec = await parseOrThrow(text);
  const slug = specSlug(spec.title);
  const tags = new Map<string, ImportPreview["tags"][number]["operations"]>();
  for (const operation of spec.operations) {
    const entry = { toolId: `${slug}.${operation.slug}`, method: operation.method, path: operation.path, summary: operation.summary };
    for (const tag of operation.tags.length ? operation.tags : ["(untagged)"]) tags.set(tag, [...(tags.get(tag) ?? []), entry]);
  }
  const existing = db()
    .select({ title: openapiSpecs.title, operationCount: openapiSpecs.operationCount })
    .from(openapiSpecs)
    .where(and(eq(openapiSpecs.userId, userId), eq(openapiSpecs.slug, slug)))
    .get();
  return {
    title: spec.title,
    version: spec.version,
    specVersion: spec.specVersion,
    description: spec.description,
    slug,
    servers: resolveServers(spec, sourceUrl),
    securitySchemes: spec.securitySchemes,
    operationCount: spec.operations.length,
    tags: [...tags].map(([tag, operations]) => ({ tag, operations })),
    warnings: spec.warnings,
    ...(existing ? { replaces: existing } : {}),
  };
}
