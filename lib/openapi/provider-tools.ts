import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { openapiSpecs } from "@/db/schema";
import { expandTemplate, getProvider, type Provider } from "@/lib/providers";
import { OpenApiImportError } from "./document";
import { parseOrThrow, readSource } from "./source";
import { saveImport, type SpecSummary } from "./store";

/*
 * "Tools in one click": a provider whose declaration names the OpenAPI description it publishes
 * (`openapi` in lib/providers/schema.ts) gets its tools by one press on the catalog page. The
 * description is fetched from where the provider publishes it (through the guarded client, as a
 * pasted URL would be), imported with the import flow every API goes through, bound to the
 * connection of whoever runs a tool (each person's own, or the workspace's shared one), and starts
 * with its read operations enabled: GET, not deprecated, at most DEFAULT_READ_TOOLS of them.
 */

/** At most this many read tools start enabled; the rest wait on the API's page. */
export const DEFAULT_READ_TOOLS = 50;

/** Where a provider publishes its description, and the server its operations go to, or undefined. */
export function publishedDescription(provider: Provider): { url: string; serverUrl: string } | undefined {
  if (!provider.openapi) return undefined;
  return { url: expandTemplate(provider, provider.openapi.url), serverUrl: expandTemplate(provider, provider.openapi.serverUrl ?? provider.apiBaseUrl) };
}

export type AddedTools = { spec: SpecSummary; enabled: string[]; replaced: boolean };

/**
 * Imports a provider's published description into a workspace as the API named after the provider
 * (`asana`, its tools `asana.get-user`, ...). Adding it again refreshes the description and keeps
 * the tools chosen since; an API of that name imported by hand is left alone (the error says so).
 */
export async function addProviderTools(workspaceId: string, providerId: string): Promise<AddedTools> {
  const provider = getProvider(providerId);
  const published = provider && publishedDescription(provider);
  if (!provider || !published)
    throw new OpenApiImportError([{ location: "providerId", message: `${provider?.name ?? providerId} publishes no OpenAPI description Patchbay knows of.` }]);
  const name = provider.id;
  const [earlier] = await db()
    .select({ authProviderId: openapiSpecs.authProviderId })
    .from(openapiSpecs)
    .where(and(eq(openapiSpecs.workspaceId, workspaceId), eq(openapiSpecs.slug, name)))
    .limit(1);
  if (earlier && earlier.authProviderId !== provider.id)
    throw new OpenApiImportError([
      {
        location: "name",
        message: `This workspace has an API named "${name}" imported by hand already; remove it on the Tools page to add ${provider.name}'s tools.`,
      },
    ]);
  const { text } = await readSource({ kind: "url", url: published.url });
  const description = typeof text === "string" ? text : text.toString("utf8");
  const parsed = await parseOrThrow(description);
  const reads = parsed.operations
    .filter((operation) => operation.method === "GET" && !operation.deprecated)
    .slice(0, DEFAULT_READ_TOOLS)
    .map((operation) => `${name}.${operation.slug}`);
  const spec = await saveImport(workspaceId, {
    source: { kind: "text", text: description },
    serverUrl: published.serverUrl,
    auth: { kind: "connection", providerId: provider.id, scheme: provider.openapi!.scheme ?? { type: "bearer" } },
    name,
    // A first import enables the reads; adding again keeps what was chosen since.
    enabledToolIds: earlier ? undefined : reads,
    replace: Boolean(earlier),
  });
  return { spec, enabled: earlier ? [] : reads, replaced: Boolean(earlier) };
}
