/**
 * Turns a dereferenced OpenAPI 3.1 schema object (which may refer to itself: a Pet with child
 * Pets) into the finite JSON Schema a tool's input is validated with and a form is built from.
 * A schema met again inside itself, or nested deeper than MAX_DEPTH, becomes "any JSON" with a
 * note, so cycles end and a thousand-operation description stays small.
 */

export type FormSchema = {
  type?: string | string[];
  properties?: Record<string, FormSchema>;
  required?: string[];
  items?: FormSchema;
  enum?: (string | number | boolean | null)[];
  default?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  title?: string;
  additionalProperties?: FormSchema | boolean;
  /** The shapes a value may take; the form offers a picker between them. */
  oneOf?: FormSchema[];
  anyOf?: FormSchema[];
};

type OpenApiSchema = Record<string, unknown>;

const MAX_DEPTH = 8;
const COPIED = ["format", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern"] as const;
const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

function isObject(value: unknown): value is OpenApiSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(schema: OpenApiSchema): string | undefined {
  const text = [schema.title, schema.description].filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return text.length ? text.join(": ").slice(0, 500) : undefined;
}

/** allOf parts merged into one object schema (the common use: a base type plus extra fields). */
function mergeAllOf(schema: OpenApiSchema): OpenApiSchema {
  const parts = (schema.allOf as unknown[]).filter(isObject);
  const merged: OpenApiSchema = { ...schema, allOf: undefined };
  const properties: Record<string, unknown> = { ...(isObject(schema.properties) ? schema.properties : {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const part of parts) {
    const resolved = Array.isArray(part.allOf) ? mergeAllOf(part) : part;
    if (isObject(resolved.properties)) Object.assign(properties, resolved.properties);
    if (Array.isArray(resolved.required)) for (const name of resolved.required) required.add(String(name));
    merged.type ??= resolved.type;
    merged.description ??= resolved.description;
  }
  if (Object.keys(properties).length) {
    merged.properties = properties;
    merged.type ??= "object";
  }
  if (required.size) merged.required = [...required];
  return merged;
}

function typeOf(schema: OpenApiSchema): string | string[] | undefined {
  const declared = Array.isArray(schema.type)
    ? (schema.type as unknown[]).filter((entry): entry is string => typeof entry === "string" && SCALAR_TYPES.has(entry))
    : schema.type;
  const nullable = schema.nullable === true;
  if (typeof declared === "string" && SCALAR_TYPES.has(declared)) return nullable ? [declared, "null"] : declared;
  if (Array.isArray(declared) && declared.length)
    return declared.length === 1 && !nullable ? declared[0] : [...new Set([...declared, ...(nullable ? ["null"] : [])])];
  if (isObject(schema.properties)) return "object";
  if (isObject(schema.items)) return "array";
  return undefined;
}

/**
 * How many schema nodes one operation's input may still unfold into. Shared schemas are shared
 * objects after dereferencing, but a form copies them wherever they are used, so ten fields that
 * each refer to the next of ten schemas would otherwise become 10^8 nodes.
 */
export type SchemaBudget = { remaining: number; exhausted: boolean };

type Walk = { ancestors: Set<object>; depth: number; direction: "request" | "response"; budget: SchemaBudget };

function convert(input: unknown, walk: Walk): FormSchema {
  if (!isObject(input)) return {};
  if (walk.budget.remaining <= 0) {
    walk.budget.exhausted = true;
    return { description: `${describe(input) ?? "A value"} (enter it as JSON)` };
  }
  walk.budget.remaining--;
  if (walk.ancestors.has(input)) return { description: `${describe(input) ?? "A nested value"} (refers to itself; enter it as JSON)` };
  if (walk.depth > MAX_DEPTH) return { description: `${describe(input) ?? "A deeply nested value"} (enter it as JSON)` };
  const schema = Array.isArray(input.allOf) ? mergeAllOf(input) : input;
  const inner: Walk = { ...walk, ancestors: new Set([...walk.ancestors, input]), depth: walk.depth + 1 };
  const result: FormSchema = {};
  const description = describe(schema);
  if (description) result.description = description;

  const choices = (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined) as unknown[] | undefined;
  if (choices) {
    // A value of one of several shapes: each shape converted, so the form can offer a picker.
    const variants = choices.filter(isObject).map((choice) => {
      const converted = choice.type === "null" ? { type: "null" } : convert(choice, inner);
      return typeof choice.title === "string" ? { ...converted, title: choice.title } : converted;
    });
    result[Array.isArray(schema.oneOf) ? "oneOf" : "anyOf"] = variants;
    return result;
  }

  const type = typeOf(schema);
  if (type !== undefined) result.type = type;
  if (Array.isArray(schema.enum))
    result.enum = (schema.enum as unknown[]).filter(
      (value): value is string | number | boolean | null => value === null || ["string", "number", "boolean"].includes(typeof value),
    );
  else if (schema.const !== undefined && ["string", "number", "boolean"].includes(typeof schema.const)) result.enum = [schema.const as string];
  if (schema.default !== undefined) result.default = schema.default;
  for (const key of COPIED) if (schema[key] !== undefined) (result as Record<string, unknown>)[key] = schema[key];

  if (isObject(schema.properties)) {
    const hidden = walk.direction === "request" ? "readOnly" : "writeOnly";
    const properties: Record<string, FormSchema> = {};
    for (const [name, child] of Object.entries(schema.properties)) {
      if (isObject(child) && child[hidden] === true) continue;
      if (walk.budget.remaining <= 0) {
        // Fields past the budget are not listed (so not required); the object still accepts them as JSON.
        walk.budget.exhausted = true;
        result.description = [result.description, "(more fields can be given as JSON)"].filter(Boolean).join(" ");
        break;
      }
      properties[name] = convert(child, inner);
    }
    result.properties = properties;
    const required = Array.isArray(schema.required) ? (schema.required as unknown[]).map(String).filter((name) => name in properties) : [];
    if (required.length) result.required = required;
  }
  if (isObject(schema.items)) result.items = convert(schema.items, inner);
  if (isObject(schema.additionalProperties)) result.additionalProperties = convert(schema.additionalProperties, inner);
  return result;
}

export function toFormSchema(
  schema: unknown,
  direction: "request" | "response" = "request",
  budget: SchemaBudget = { remaining: Infinity, exhausted: false },
): FormSchema {
  return convert(schema, { ancestors: new Set(), depth: 0, direction, budget });
}

function defaultNote(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `(default: ${text.length > 80 ? `${text.slice(0, 80)}…` : text})`;
}

/**
 * The schema with the defaults of optional fields turned into notes in their descriptions. A
 * default documents what the API does when a value is not sent; validating with it (zod fills
 * defaults in) or starting a form with it would send it, as if the person had chosen it. Required
 * fields keep theirs: a required value has to be sent, and the default is the one to send.
 */
export function withoutOptionalDefaults(schema: FormSchema, required = true): FormSchema {
  const result: FormSchema = { ...schema };
  if (!required && result.default !== undefined) {
    result.description = [result.description, defaultNote(result.default)].filter(Boolean).join(" ");
    delete result.default;
  }
  if (result.properties) {
    const own = new Set(result.required ?? []);
    result.properties = Object.fromEntries(Object.entries(result.properties).map(([name, child]) => [name, withoutOptionalDefaults(child, own.has(name))]));
  }
  if (result.items) result.items = withoutOptionalDefaults(result.items, true);
  if (result.oneOf) result.oneOf = result.oneOf.map((variant) => withoutOptionalDefaults(variant, required));
  if (result.anyOf) result.anyOf = result.anyOf.map((variant) => withoutOptionalDefaults(variant, required));
  if (typeof result.additionalProperties === "object") result.additionalProperties = withoutOptionalDefaults(result.additionalProperties, true);
  return result;
}
