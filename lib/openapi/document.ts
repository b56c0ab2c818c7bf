import { dereference, upgrade, validate } from "@scalar/openapi-parser";
import { toFormSchema, withoutOptionalDefaults, type FormSchema, type SchemaBudget } from "./json-schema.ts";
import { formatBytes, PARSE_LIMITS } from "./limits.ts";
import { readDescriptionText, type Problem } from "./read-text.ts";
import { fillServerUrl, type ServerVariable } from "./server-url.ts";
import { descriptionWarnings } from "./warnings.ts";

/**
 * Reads an OpenAPI 3.0 / 3.1 or Swagger 2.0 description (JSON or YAML) with Scalar's maintained
 * parser: validated as written (so problems point into the user's own document), upgraded to 3.1,
 * dereferenced (cycles kept as shared objects), then flattened into what Patchbay stores: one
 * operation per tool, each with a finite input schema and a recipe for building the request.
 */

export type { Problem, ServerVariable };

export type ParameterLocation = "path" | "query" | "header" | "cookie";
/** Where each input field goes: `key` is the field in the tool's input, `name` the parameter on the wire. */
export type RequestRecipe = {
  method: string;
  path: string;
  parameters: { key: string; name: string; in: ParameterLocation; explode: boolean }[];
  body?: { key: string; contentType: string; required: boolean };
  /** Security scheme names this operation accepts; [] means it needs none; null means the description does not say. */
  security: string[] | null;
};

export type ParsedOperation = {
  slug: string;
  operationId?: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  inputSchema: FormSchema;
  request: RequestRecipe;
};

export type SecurityScheme =
  | { type: "apiKey"; in: "header" | "query" | "cookie"; name: string; description?: string }
  | { type: "http"; scheme: string; description?: string }
  | { type: "oauth2" | "openIdConnect" | "mutualTLS"; description?: string };

/** An operation that cannot become a tool, and why; the others still import. */
export type SkippedOperation = { method: string; path: string; location: string; reason: string };

export type ParsedSpec = {
  title: string;
  version: string;
  description: string;
  specVersion: string;
  servers: ServerEntry[];
  securitySchemes: Record<string, SecurityScheme>;
  operations: ParsedOperation[];
  skipped: SkippedOperation[];
  warnings: Problem[];
};

export type ParseResult = { ok: true; spec: ParsedSpec } | { ok: false; problems: Problem[] };

export class OpenApiImportError extends Error {
  override name = "OpenApiImportError";
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map((problem) => (problem.location ? `${problem.location}: ${problem.message}` : problem.message)).join("\n"));
    this.problems = problems;
  }
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `/paths/~1pets/get/parameters/0` (or its segments) as `paths./pets.get.parameters[0]`, judged against the document. */
export function formatLocation(path: string | string[] | undefined, document: unknown): string {
  const segments = Array.isArray(path)
    ? path
    : (path ?? "")
        .split("/")
        .slice(1)
        .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = document;
  let text = "";
  for (const segment of segments) {
    if (Array.isArray(node)) text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return text;
}

/** A JSON pointer (or segments) as path segments, array indexes as numbers, judged against the document. */
function pointerSegments(path: string | string[] | undefined, document: unknown): (string | number)[] {
  const segments = Array.isArray(path)
    ? path
    : (path ?? "")
        .split("/")
        .slice(1)
        .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = document;
  return segments.map((segment) => {
    const index = Array.isArray(node) ? Number(segment) : undefined;
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
    return index ?? segment;
  });
}

export function slugify(text: string, fallback: string, maxLength = 60): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
  return slug || fallback;
}

/** A server as the description gives it: `template` keeps its `{variables}`, `url` has their defaults filled in. */
export type ServerEntry = { url: string; template: string; description?: string; variables: Record<string, ServerVariable> };

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

/** The scheme names an operation accepts (`security: []` or only `{}` means none). */
function securityNames(requirements: unknown): string[] | undefined {
  if (!Array.isArray(requirements)) return undefined;
  return [...new Set(requirements.filter(isObject).flatMap((requirement) => Object.keys(requirement)))];
}

function pickBody(requestBody: unknown): { contentType: string; schema: unknown; required: boolean } | undefined {
  if (!isObject(requestBody) || !isObject(requestBody.content)) return undefined;
  const types = Object.keys(requestBody.content);
  const contentType =
    types.find((type) => /^application\/(.+\+)?json\b/i.test(type)) ??
    types.find((type) => type.toLowerCase() === "application/x-www-form-urlencoded") ??
    types.find((type) => type.toLowerCase().startsWith("text/")) ??
    types[0];
  if (!contentType) return undefined;
  const media = requestBody.content[contentType];
  const schema = isObject(media) && media.schema !== undefined ? media.schema : {};
  return { contentType, schema, required: requestBody.required === true };
}

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${base}-${suffix}`;
  taken.add(slug);
  return slug;
}

type Flattened = { operations: ParsedOperation[]; skipped: SkippedOperation[]; tooLarge?: Problem };
const LOCATIONS = ["path", "query", "header", "cookie"];

/** The node a local JSON Pointer (`#/components/examples/thing/value`) names in the document, if any. */
function atPointer(document: Json, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (pointer === "") return document;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = document;
  for (const segment of pointer.slice(1).split("/")) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/**
 * Follows the local references the parser left in place: any JSON Pointer into the document
 * resolves, wherever it points (into an example's value, a path item, another schema's property),
 * the way Swagger UI and Redocly read them. Each `{ $ref }` is replaced by the node it names,
 * shared, not copied (so cycles stay finite); a chain of references is followed a few steps; one
 * that names nothing stays, and the operations that need it are skipped with the reason.
 */
function resolveLocalRefs(document: Json): void {
  const seen = new Set<object>();
  const stack: object[] = [document];
  const target = (value: unknown): unknown => {
    let node = value;
    for (let hops = 0; hops < 16 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const next = atPointer(document, node.$ref);
      if (next === undefined || next === node) return value;
      node = next;
    }
    return isObject(node) && typeof node.$ref === "string" ? value : node;
  };
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child !== "object" || child === null) continue;
      const resolved = isObject(child) && typeof child.$ref === "string" ? target(child) : child;
      if (resolved !== child) (node as Record<string | number, unknown>)[key] = resolved;
      if (typeof resolved === "object" && resolved !== null) stack.push(resolved);
    }
  }
}

/** The first `$ref` left unresolved inside a value (bounded walk; shared nodes looked at once). */
function unresolvedRef(value: unknown): string | undefined {
  const seen = new Set<object>();
  const stack = [value];
  for (let visited = 0; stack.length && visited < 20_000; visited++) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node) && typeof (node as Json).$ref === "string") return (node as Json).$ref as string;
    stack.push(...Object.values(node));
  }
  return undefined;
}

/** Why an operation cannot become a tool, or undefined when it can. */
function refusalOf(path: string, operation: Json, parameters: Json[]): string | undefined {
  const ref = unresolvedRef([parameters, operation.requestBody]);
  if (ref) return `the reference "${ref}" does not resolve`;
  for (const parameter of parameters) {
    if (typeof parameter.name !== "string") return "a parameter has no name";
    if (!LOCATIONS.includes(parameter.in as string))
      return `parameter "${parameter.name}" is in "${String(parameter.in)}", which OpenAPI 3 cannot send (path, query, header or cookie)`;
    if (parameter.schema === undefined && isObject(parameter.content)) {
      const types = Object.keys(parameter.content);
      if (!types.some((type) => /json/i.test(type) || type.startsWith("text/")))
        return `parameter "${parameter.name}" is encoded as ${types.join(", ") || "nothing"}, which Patchbay cannot write`;
    }
  }
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((parameter) => parameter.in === "path" && parameter.name === name)) return `the path parameter "${name}" is not declared`;
  }
  return undefined;
}

function operationsOf(document: Json, warnings: Problem[]): Flattened {
  const paths = isObject(document.paths) ? document.paths : {};
  const inheritedSecurity = securityNames(document.security) ?? null;
  const slugs = new Set<string>();
  const operations: ParsedOperation[] = [];
  const skipped: SkippedOperation[] = [];
  let importBytes = 0;
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters.filter(isObject) : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const location = formatLocation(["paths", path, method], document);
      const own = Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : [];
      // Operation-level parameters override path-level ones with the same name and location.
      const byIdentity = new Map<string, Json>();
      for (const parameter of [...shared, ...own]) byIdentity.set(`${parameter.in}:${parameter.name}`, parameter);
      const parameters = [...byIdentity.values()];
      const refusal = refusalOf(path, operation, parameters);
      if (refusal) {
        skipped.push({ method: method.toUpperCase(), path, location, reason: refusal });
        continue;
      }
      const nameCounts = new Map<string, number>();
      for (const parameter of parameters) nameCounts.set(parameter.name as string, (nameCounts.get(parameter.name as string) ?? 0) + 1);

      const budget: SchemaBudget = { remaining: PARSE_LIMITS.schemaNodesPerOperation, exhausted: false };
      const properties: Record<string, FormSchema> = {};
      const required: string[] = [];
      const recipe: RequestRecipe = { method: method.toUpperCase(), path, parameters: [], security: securityNames(operation.security) ?? inheritedSecurity };
      for (const parameter of parameters) {
        const name = parameter.name as string;
        const location = parameter.in as ParameterLocation;
        const key = nameCounts.get(name)! > 1 ? `${name}_${location}` : name;
        const schema = toFormSchema(
          parameter.schema ?? (isObject(parameter.content) ? Object.values(parameter.content).find(isObject)?.schema : undefined),
          "request",
          budget,
        );
        const description = typeof parameter.description === "string" ? parameter.description : undefined;
        properties[key] = { ...schema, description: [description, `(${location} parameter${key !== name ? ` "${name}"` : ""})`].filter(Boolean).join(" ") };
        if (parameter.required === true || location === "path") required.push(key);
        const style = typeof parameter.style === "string" ? parameter.style : location === "query" || location === "cookie" ? "form" : "simple";
        recipe.parameters.push({ key, name, in: location, explode: typeof parameter.explode === "boolean" ? parameter.explode : style === "form" });
      }
      const body = pickBody(operation.requestBody);
      if (body) {
        const key = "body" in properties ? "requestBody" : "body";
        const schema = toFormSchema(body.schema, "request", budget);
        const description =
          isObject(operation.requestBody) && typeof operation.requestBody.description === "string" ? operation.requestBody.description : undefined;
        properties[key] = { ...schema, description: [description ?? schema.description, `(request body, ${body.contentType})`].filter(Boolean).join(" ") };
        if (body.required) required.push(key);
        recipe.body = { key, contentType: body.contentType, required: body.required };
      }

      const operationId = typeof operation.operationId === "string" && operation.operationId.trim() ? operation.operationId.trim() : undefined;
      if (!operationId) warnings.push({ location, message: "has no operationId; the tool is named after its method and path" });
      if (budget.exhausted)
        warnings.push({
          location,
          message: `its input unfolds into more than ${PARSE_LIMITS.schemaNodesPerOperation} schema nodes; the fields past that are entered as JSON`,
        });
      const parsedOperation: ParsedOperation = {
        slug: "",
        operationId,
        method: method.toUpperCase(),
        path,
        summary: typeof operation.summary === "string" ? operation.summary : "",
        description: typeof operation.description === "string" ? operation.description.slice(0, 2000) : "",
        tags: Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === "string") : [],
        deprecated: operation.deprecated === true,
        inputSchema: withoutOptionalDefaults({ type: "object", properties, ...(required.length ? { required } : {}) }),
        request: recipe,
      };
      const bytes = Buffer.byteLength(JSON.stringify(parsedOperation));
      if (bytes > PARSE_LIMITS.operationBytes) {
        skipped.push({
          method: recipe.method,
          path,
          location,
          reason: `the operation takes ${formatBytes(bytes)} once its schemas are unfolded; the limit is ${formatBytes(PARSE_LIMITS.operationBytes)}`,
        });
        continue;
      }
      importBytes += bytes;
      if (importBytes > PARSE_LIMITS.importBytes) {
        return {
          operations,
          skipped,
          tooLarge: {
            location,
            message: `The operations up to here take more than ${formatBytes(PARSE_LIMITS.importBytes)} once their schemas are unfolded, the limit for one import.`,
          },
        };
      }
      parsedOperation.slug = uniqueSlug(slugify(operationId ?? `${method}-${path}`, method), slugs);
      operations.push(parsedOperation);
    }
  }
  return { operations, skipped };
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
