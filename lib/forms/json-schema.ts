/**
 * The subset of JSON Schema (as z.toJSONSchema and the OpenAPI import write it) that the generated
 * forms understand, and a check of a whole input against it for the JSON editor. Pure: the form
 * (a client component) and the tests both use it; the server validates again with zod.
 */
export type JsonSchema = {
  type?: string | string[];
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number | boolean | null)[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

export type SchemaIssue = { path: string; message: string };

const isNullType = (schema: JsonSchema) => schema.type === "null" || (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === "null");

/** The alternatives of a oneOf/anyOf, without the `null` that marks a value optional. */
export function variantsOf(schema: JsonSchema): JsonSchema[] {
  return (schema.oneOf ?? schema.anyOf ?? []).filter((variant) => !isNullType(variant));
}

/** A oneOf/anyOf with one real alternative (nullable or optional) is that alternative, keeping the outer description and default. */
export function resolveSchema(schema: JsonSchema): JsonSchema {
  const variants = variantsOf(schema);
  if (variants.length !== 1) return schema;
  const outer: JsonSchema = { ...schema };
  delete outer.anyOf;
  delete outer.oneOf;
  return { ...resolveSchema(variants[0]!), ...Object.fromEntries(Object.entries(outer).filter(([, value]) => value !== undefined)) };
}

/** A name for each alternative a person picks between: its title, its constant tag, or its shape. */
export function variantLabel(variant: JsonSchema, index: number): string {
  if (variant.title) return variant.title;
  const tag = Object.entries(variant.properties ?? {}).find(([, child]) => child.const !== undefined || child.enum?.length === 1);
  if (tag) return String(tag[1].const ?? tag[1].enum![0]);
  if (variant.const !== undefined) return String(variant.const);
  const type = Array.isArray(variant.type) ? variant.type.join(" or ") : variant.type;
  if (type === "object" && variant.properties) return `${type} with ${Object.keys(variant.properties).slice(0, 3).join(", ")}`;
  return type ?? `Option ${index + 1}`;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

const describeType = (types: string[]) => (types.length === 1 ? `a${/^[aeiou]/.test(types[0]!) ? "n" : ""} ${types[0]}` : types.join(" or "));

/** Every way `value` falls short of `schema`, with dotted paths ("repository.name", "labels.0"). */
export function checkValue(schema: JsonSchema, value: unknown, path = ""): SchemaIssue[] {
  const at = path || "input";
  const variants = variantsOf(schema);
  if (variants.length > 0 && (schema.oneOf ?? schema.anyOf)!.length > 0) {
    if (value === null && variants.length < (schema.oneOf ?? schema.anyOf)!.length) return [];
    const results = variants.map((variant) => checkValue(variant, value, path));
    if (results.some((issues) => issues.length === 0)) return [];
    return variants.length === 1 ? results[0]! : [{ path: at, message: `Matches none of the options (${variants.map(variantLabel).join(", ")}).` }];
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
    return [{ path: at, message: `Must be ${JSON.stringify(schema.const)}.` }];
  if (schema.enum && !schema.enum.some((option) => option === value))
    return [{ path: at, message: `Must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}.` }];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((type) => typeMatches(type, value))) return [{ path: at, message: `Must be ${describeType(types)}.` }];
  const issues: SchemaIssue[] = [];
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) issues.push({ path: at, message: `At least ${schema.minLength} characters.` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) issues.push({ path: at, message: `At most ${schema.maxLength} characters.` });
    if (schema.pattern) {
      try {
        if (!new RegExp(schema.pattern, "u").test(value)) issues.push({ path: at, message: `Must match ${schema.pattern}.` });
      } catch {
        // A pattern JavaScript cannot read is left to the server's check.
      }
    }
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) issues.push({ path: at, message: `At least ${schema.minimum}.` });
    if (schema.maximum !== undefined && value > schema.maximum) issues.push({ path: at, message: `At most ${schema.maximum}.` });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) issues.push({ path: at, message: `More than ${schema.exclusiveMinimum}.` });
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) issues.push({ path: at, message: `Less than ${schema.exclusiveMaximum}.` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      issues.push({ path: at, message: `At least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}.` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) issues.push({ path: at, message: `At most ${schema.maxItems} items.` });
    if (schema.items) value.forEach((item, index) => issues.push(...checkValue(schema.items!, item, path ? `${path}.${index}` : String(index))));
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (record[name] === undefined && schema.properties?.[name]?.default === undefined)
        issues.push({ path: path ? `${path}.${name}` : name, message: "Required." });
    }
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      if (record[name] !== undefined) issues.push(...checkValue(child, record[name], path ? `${path}.${name}` : name));
    }
    if (schema.additionalProperties === false) {
      for (const name of Object.keys(record))
        if (!schema.properties?.[name]) issues.push({ path: path ? `${path}.${name}` : name, message: "Not a field of this input." });
    }
  }
  return issues;
}

/** The alternative a value already fits (for showing the right variant of a prefilled form), else the first. */
export function matchingVariant(schema: JsonSchema, value: unknown): number {
  const index = variantsOf(schema).findIndex((variant) => checkValue(variant, value).length === 0);
  return index < 0 ? 0 : index;
}

/** A string that fits a format, for an example. */
const formatExamples: Record<string, string> = {
  uri: "https://example.com",
  url: "https://example.com",
  email: "someone@example.com",
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/**
 * An example value built from a schema, for the JSON editor to start from: a default or a constant
 * where the schema gives one, the first of an enum, a format's example, the property's name for a
 * plain string, the minimum for a number, one item for a list, every property for an object.
 */
export function exampleOf(schema: JsonSchema, name = "value"): unknown {
  const resolved = resolveSchema(schema);
  if (resolved.default !== undefined) return resolved.default;
  if (resolved.const !== undefined) return resolved.const;
  if (resolved.enum?.length) return resolved.enum[0];
  const variants = variantsOf(resolved);
  if (variants.length > 0) return exampleOf(variants[0]!, name);
  const type = Array.isArray(resolved.type) ? resolved.type.find((candidate) => candidate !== "null") : resolved.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(resolved.properties ?? {}).map(([key, child]) => [key, exampleOf(child, key)]));
    case "array":
      return resolved.items ? [exampleOf(resolved.items, name)] : [];
    case "integer":
    case "number":
      return resolved.minimum ?? (resolved.exclusiveMinimum !== undefined ? resolved.exclusiveMinimum + 1 : 0);
    case "boolean":
      return false;
    case "string":
      return (resolved.format && formatExamples[resolved.format]) ?? name;
    default:
      return null;
  }
}
