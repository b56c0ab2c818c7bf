import type { Problem } from "./read-text.ts";

/**
 * What a published description gets wrong whose meaning is still clear: reported with its
 * location and read the way Swagger UI, Redocly and the generators read it, never a refusal.
 * Scalar's validator reports the rest (extra properties, wrong shapes); those become warnings too.
 */

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Formats OpenAPI and JSON Schema define, and the common ones tools understand. */
const KNOWN_FORMATS = new Set([
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "binary",
  "date",
  "date-time",
  "password",
  "email",
  "idn-email",
  "uuid",
  "uri",
  "uri-reference",
  "iri",
  "iri-reference",
  "uri-template",
  "url",
  "hostname",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "time",
  "duration",
  "regex",
  "json-pointer",
  "relative-json-pointer",
  "decimal",
  "int8",
  "int16",
  "uint8",
  "uint32",
  "uint64",
  "char",
  "base64",
  "html",
]);
const MAX_WARNINGS = 200;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `paths./pets.get.parameters[0]` from its segments. */
export function pathText(path: Path): string {
  return path.reduce<string>((text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), "");
}

function looksLikeSchema(node: Json): boolean {
  return "type" in node || "properties" in node || "items" in node || "allOf" in node || "oneOf" in node || "anyOf" in node;
}

function schemaWarnings(node: Json, path: Path, is30: boolean, add: (path: Path, message: string) => void): void {
  if (is30 && (node.type === "null" || Array.isArray(node.type))) {
    add([...path, "type"], `${node.type === "null" ? 'type "null"' : "a list of types"} is OpenAPI 3.1, not 3.0; read as 3.1 reads it`);
  }
  if (!is30 && "nullable" in node) add([...path, "nullable"], 'nullable is OpenAPI 3.0, not 3.1; read as type [..., "null"]');
  if (typeof node.format === "string" && !KNOWN_FORMATS.has(node.format))
    add([...path, "format"], `unknown format "${node.format}"; read as any ${typeof node.type === "string" ? node.type : "value"}`);
  if ("examples" in node && (is30 || !Array.isArray(node.examples))) {
    add([...path, "examples"], is30 ? "examples is not a schema keyword in OpenAPI 3.0 (example is); ignored" : "examples in a schema must be a list; ignored");
  }
}

/** The warnings found by walking the description as written (before upgrading and dereferencing). */
export function descriptionWarnings(document: Json, specVersion: string, validationErrors: { path: Path; message: string }[]): Problem[] {
  const is30 = specVersion.startsWith("3.0");
  const byLocation = new Map<string, Problem>();
  let dropped = 0;
  const add = (path: Path, message: string) => {
    const location = pathText(path);
    if (byLocation.has(location)) return;
    if (byLocation.size >= MAX_WARNINGS) dropped++;
    else byLocation.set(location, { location, message });
  };

  const info = isObject(document.info) ? document.info : {};
  if (info.version === undefined || info.version === "") add(["info", "version"], "info.version is missing");

  const operationIds = new Map<string, string>();
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [pathName, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || typeof operation.operationId !== "string") continue;
      const first = operationIds.get(operation.operationId);
      if (first)
        add(["paths", pathName, method, "operationId"], `operationId "${operation.operationId}" is also used at ${first}; this tool gets a numbered name`);
      else operationIds.set(operation.operationId, pathText(["paths", pathName, method]));
    }
  }

  // Each node once, even when YAML aliases share it; the document's size is already bounded.
  const seen = new Set<object>();
  const stack: { node: unknown; path: Path }[] = [{ node: document, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--) stack.push({ node: node[index], path: [...path, index] });
      continue;
    }
    const json = node as Json;
    if (looksLikeSchema(json) && path[0] !== "x-" && !String(path.at(-1)).startsWith("x-")) schemaWarnings(json, path, is30, add);
    const keys = Object.keys(json);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      if (key.startsWith("x-") || key === "example" || key === "examples" || key === "default" || key === "enum" || key === "const") continue;
      stack.push({ node: json[key], path: [...path, key] });
    }
  }

  for (const error of validationErrors) add(error.path, `does not follow OpenAPI ${specVersion}: ${error.message}`);
  const warnings = [...byLocation.values()];
  if (dropped) warnings.push({ location: "", message: `and ${dropped} more warnings like these` });
  return warnings;
}
