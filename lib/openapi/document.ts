import { dereference, upgrade, validate } from "@scalar/openapi-parser";
import { operationsOf } from "./operations.ts";
import { readDescriptionText, type Problem } from "./read-text.ts";
import { isObject, pointerSegments, resolveLocalRefs, type Json } from "./references.ts";
import { fillServerUrl, type ServerVariable } from "./server-url.ts";
import type { ParseResult, SecurityScheme, ServerEntry } from "./types.ts";
import { descriptionWarnings } from "./warnings.ts";

/**
 * Reads an OpenAPI 3.0 / 3.1 or Swagger 2.0 description (JSON or YAML) with Scalar's maintained
 * parser: validated as written (so problems point into the user's own document), upgraded to 3.1,
 * dereferenced (cycles kept as shared objects), then flattened into what Patchbay stores: one
 * operation per tool, each with a finite input schema and a recipe for building the request.
 */

export type { Problem, ServerVariable };
export type { ParameterLocation, ParsedOperation, ParsedSpec, ParseResult, RequestRecipe, SecurityScheme, ServerEntry, SkippedOperation } from "./types.ts";

export class OpenApiImportError extends Error {
  override name = "OpenApiImportError";
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map((problem) => (problem.location ? `${problem.location}: ${problem.message}` : problem.message)).join("\n"));
    this.problems = problems;
  }
}

function serversOf(document: Json): ServerEntry[] {
  const servers = Array.isArray(document.servers) ? document.servers.filter(isObject) : [];
  return servers
    .filter((server) => typeof server.url === "string")
    .map((server) => {
      const declared = isObject(server.variables) ? server.variables : {};
      const variables: Record<string, ServerVariable> = {};
      for (const [name, variable] of Object.entries(declared)) {
        if (!isObject(variable)) continue;
        const choices = Array.isArray(variable.enum) ? variable.enum.map(String) : undefined;
        variables[name] = {
          default: variable.default !== undefined ? String(variable.default) : (choices?.[0] ?? ""),
          ...(choices ? { enum: choices } : {}),
          ...(typeof variable.description === "string" ? { description: variable.description } : {}),
        };
      }
      const template = server.url as string;
      return {
        url: fillServerUrl(template, variables),
        template,
        variables,
        ...(typeof server.description === "string" ? { description: server.description } : {}),
      };
    });
}

function securitySchemesOf(document: Json): Record<string, SecurityScheme> {
  const declared = isObject(document.components) && isObject(document.components.securitySchemes) ? document.components.securitySchemes : {};
  const schemes: Record<string, SecurityScheme> = {};
  for (const [name, scheme] of Object.entries(declared)) {
    if (!isObject(scheme)) continue;
    const description = typeof scheme.description === "string" ? scheme.description : undefined;
    if (scheme.type === "apiKey" && typeof scheme.name === "string" && (scheme.in === "header" || scheme.in === "query" || scheme.in === "cookie")) {
      schemes[name] = { type: "apiKey", in: scheme.in, name: scheme.name, description };
    } else if (scheme.type === "http" && typeof scheme.scheme === "string") {
      schemes[name] = { type: "http", scheme: scheme.scheme.toLowerCase(), description };
    } else if (scheme.type === "oauth2" || scheme.type === "openIdConnect" || scheme.type === "mutualTLS") {
      schemes[name] = { type: scheme.type, description };
    }
  }
  return schemes;
}

/** Validates and flattens a description; an invalid one comes back as located problems, nothing else. */
export async function parseOpenApi(text: string): Promise<ParseResult> {
  const parsed = readDescriptionText(text);
  return parsed.ok ? parseOpenApiValue(parsed.value) : parsed;
}

/** parseOpenApi for a description already read from its text by readDescriptionText. */
export async function parseOpenApiValue(value: unknown): Promise<ParseResult> {
  if (!isObject(value)) return { ok: false, problems: [{ location: "", message: "Expected an OpenAPI or Swagger document (an object at the top level)." }] };
  const original = value;
  if (typeof original.openapi !== "string" && original.swagger !== "2.0") {
    return { ok: false, problems: [{ location: "", message: 'Not an OpenAPI description: expected an "openapi" field (3.0 or 3.1) or "swagger": "2.0".' }] };
  }
  const specVersion = typeof original.openapi === "string" ? original.openapi : "2.0";
  // What breaks the letter of the specification but has a clear meaning is a warning, not a refusal.
  const validation = await validate(structuredClone(original));
  const validationErrors = (validation.errors ?? []).map((error) => ({ path: pointerSegments(error.path, original), message: error.message }));
  const warnings = descriptionWarnings(original, specVersion, validationErrors);
  // The last use of the document as written is above: upgrade may change it in place.
  const upgraded = upgrade(original).specification;
  // References that do not resolve stay in place; the operations that need one are skipped.
  const dereferenced = dereference(upgraded as unknown as Json);
  const document = isObject(dereferenced.schema) ? dereferenced.schema : (upgraded as unknown as Json);
  resolveLocalRefs(document);
  const info = isObject(document.info) ? document.info : {};
  const { operations, skipped, tooLarge } = operationsOf(document, warnings);
  if (tooLarge) return { ok: false, problems: [tooLarge] };
  if (!operations.length) {
    const reasons = skipped.map((skip) => ({ location: skip.location, message: `skipped: ${skip.reason}` }));
    return { ok: false, problems: [{ location: "paths", message: "The description has no operations to import." }, ...reasons, ...warnings] };
  }
  return {
    ok: true,
    spec: {
      title: typeof info.title === "string" && info.title.trim() ? info.title.trim() : "Untitled API",
      version: typeof info.version === "string" ? info.version : String(info.version ?? ""),
      description: typeof info.description === "string" ? info.description.slice(0, 4000) : "",
      specVersion,
      servers: serversOf(document),
      securitySchemes: securitySchemesOf(document),
      operations,
      skipped,
      warnings,
    },
  };
}
