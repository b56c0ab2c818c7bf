import { toFormSchema, withoutOptionalDefaults, type FormSchema, type SchemaBudget } from "./json-schema.ts";
import { formatBytes, PARSE_LIMITS } from "./limits.ts";
import type { Problem } from "./read-text.ts";
import { formatLocation, isObject, unresolvedRef, type Json } from "./references.ts";
import type { ParameterLocation, ParsedOperation, RequestRecipe, SkippedOperation } from "./types.ts";

/** A description's operations flattened into what Patchbay stores: one per tool, with its input schema and request recipe. */

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

export function slugify(text: string, fallback: string, maxLength = 60): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
  return slug || fallback;
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

export function operationsOf(document: Json, warnings: Problem[]): Flattened {
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
