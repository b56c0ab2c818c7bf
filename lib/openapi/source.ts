import "server-only";
import { httpRequestBytes, ResponseTooLargeError } from "@/lib/http";
import { OpenApiImportError, type ParsedSpec, type ServerEntry } from "./document";
import type { SpecSource } from "./import-request";
import { MAX_SPEC_BYTES } from "./limits";
import { parseDescription } from "./parse";

/**
 * The text of a description: pasted, uploaded, or fetched from a URL through the guarded client (no
 * private addresses). Uploaded and fetched bytes are handed to the parser as they arrived, never
 * parsed or decoded here: the server holds a 13 MB description once, as bytes, not as a string and
 * the objects JSON.parse would make of it.
 */
export async function readSource(source: SpecSource): Promise<{ text: string | Buffer; sourceUrl?: string }> {
  if (source.kind === "text") return { text: source.text };
  if (source.kind === "upload") return { text: source.bytes };
  const tooLarge = () => new OpenApiImportError([{ location: "source.url", message: "The description is larger than 40 MB." }]);
  const response = await httpRequestBytes({
    url: source.url,
    headers: { accept: "application/json, application/yaml, text/yaml, */*" },
    guard: true,
    timeoutMs: 30_000,
    maxResponseBytes: MAX_SPEC_BYTES,
  }).catch((error: unknown) => {
    throw error instanceof ResponseTooLargeError ? tooLarge() : error;
  });
  if (response.status >= 400)
    throw new OpenApiImportError([{ location: "", message: `${new URL(source.url).host} answered ${response.status} for the description.` }]);
  return { text: response.body, sourceUrl: source.url };
}

/** Server URLs as a person can use them: relative ones resolved against where the description came from. */
export function resolveServers(spec: ParsedSpec, sourceUrl?: string): ServerEntry[] {
  return spec.servers.flatMap((server) => {
    try {
      const url = new URL(server.url, sourceUrl).toString().replace(/\/+$/, "");
      // A relative server has its variables filled in before it is resolved; an absolute one keeps them editable.
      const absolute = /^([a-z][a-z0-9+.-]*:)?\/\//i.test(server.template) || server.template.startsWith("{");
      return [{ ...server, url, template: absolute ? server.template.replace(/\/+$/, "") : url, variables: absolute ? server.variables : {} }];
    } catch {
      return [];
    }
  });
}

export async function parseOrThrow(text: string | Buffer): Promise<ParsedSpec> {
  const result = await parseDescription(text);
  if (!result.ok) throw new OpenApiImportError(result.problems);
  return result.spec;
}
