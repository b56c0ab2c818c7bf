import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { openapiSpecs } from "@/db/schema";
import { slugify } from "./operations";

/** Words that say nothing about which API it is. */
const FILLER = new Set(["the", "official", "openapi", "spec", "specification", "description", "definition", "document"]);

/**
 * A short name suggested from an API's title: the owner before a possessive ("GitHub's official
 * OpenAPI spec" -> "github"), else its first three telling words, at most 24 characters.
 */
export function suggestApiName(title: string): string {
  const owner = /^\s*(.+?)['\u2019]s\s/u.exec(title)?.[1];
  // Accents dropped (Ü -> u), not turned into word breaks.
  const words =
    slugify((owner ?? title).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(), "api", 200)
      // A version stays one word ("2.0" is "2-0", not two).
      .match(/\d+(?:-\d+)*|[a-z0-9]+/g)
      ?.filter((word) => !FILLER.has(word)) ?? [];
  let name = "";
  for (const word of words.slice(0, 3)) {
    const next = name ? `${name}-${word}` : word;
    if (next.length > 24) break;
    name = next;
  }
  return name || words[0]?.slice(0, 24) || "api";
}

/**
 * The name an import of `title` gets unless the person gives one: the name they gave the latest
 * earlier import of the same title (so tool ids stay what they were), else a suggestion.
 */
export async function defaultApiName(workspaceId: string, title: string): Promise<string> {
  const [earlier] = await db()
    .select({ slug: openapiSpecs.slug })
    .from(openapiSpecs)
    .where(and(eq(openapiSpecs.workspaceId, workspaceId), eq(openapiSpecs.title, title)))
    .orderBy(desc(openapiSpecs.updatedAt))
    .limit(1);
  return earlier?.slug ?? suggestApiName(title);
}
