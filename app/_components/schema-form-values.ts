import { resolveSchema, variantsOf, type JsonSchema } from "@/lib/forms/json-schema";

/** What the generated form holds for a schema, and how it becomes the input that is sent. */
export type Value = unknown;
export type FieldErrors = Record<string, string>;

export function kind(schema: JsonSchema): "object" | "array" | "string" | "number" | "integer" | "boolean" | "enum" | "union" | "json" {
  if (variantsOf(schema).length > 1) return "union";
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== "null") : schema.type;
  if (type === "object" && schema.properties) return "object";
  if (type === "array" && schema.items) return "array";
  if (type === "string" || type === "number" || type === "integer" || type === "boolean") return type;
  return "json";
}

export function label(name: string): string {
  if (/\s/.test(name)) return name;
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[-_]/g, " ")
    .replace(/^./, (first) => first.toUpperCase());
}

/** "Labels" -> "Label": what one item of a list is called. */
export function singular(text: string): string {
  if (/ies$/.test(text)) return text.replace(/ies$/, "y");
  if (/(ss|us)$/.test(text)) return text;
  return text.replace(/s$/, "");
}

/** The starting value for a schema: its default, or an empty value of its kind; an optional yes/no starts unset. */
export function initialValue(rawSchema: JsonSchema, required = true): Value {
  const schema = resolveSchema(rawSchema);
  if (schema.default !== undefined) return schema.default;
  // A one-value enum or a constant is a tag (kind: "square"): there is nothing to choose.
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length === 1) return schema.enum[0];
  switch (kind(schema)) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties!).map(([name, child]) => [name, initialValue(child, schema.required?.includes(name) ?? false)]),
      );
    case "array":
      return [];
    case "boolean":
      return required ? false : undefined;
    case "union":
      return initialValue(variantsOf(schema)[0]!, required);
    default:
      return undefined;
  }
}

/** Drops empty optional values and checks what can be checked before sending. */
export function clean(rawSchema: JsonSchema, value: Value, path: string, required: boolean, errors: FieldErrors): Value {
  const schema = resolveSchema(rawSchema);
  const fieldKind = kind(schema);
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0 && !required);
  if (empty) {
    if (required && schema.default === undefined && fieldKind !== "boolean") errors[path] = "Required.";
    return undefined;
  }
  switch (fieldKind) {
    case "union": {
      // The alternative that takes the value without complaint and knows most of its fields.
      const attempts = variantsOf(schema).map((variant) => {
        const found: FieldErrors = {};
        const cleaned = clean(variant, value, path, required, found);
        const known = value && typeof value === "object" ? Object.keys(value).filter((name) => variant.properties?.[name]).length : 0;
        return { cleaned, found, score: Object.keys(found).length === 0 ? known : -1 };
      });
      const best = attempts.reduce((chosen, attempt) => (attempt.score > chosen.score ? attempt : chosen), attempts[0]!);
      Object.assign(errors, best.found);
      return best.cleaned;
    }
    case "object": {
      const result: Record<string, Value> = {};
      for (const [name, child] of Object.entries(schema.properties!)) {
        const cleaned = clean(
          child,
          (value as Record<string, Value>)?.[name],
          path ? `${path}.${name}` : name,
          schema.required?.includes(name) ?? false,
          errors,
        );
        if (cleaned !== undefined) result[name] = cleaned;
      }
      return result;
    }
    case "array":
      return (value as Value[]).map((item, index) => clean(schema.items!, item, `${path}.${index}`, true, errors));
    case "number":
    case "integer": {
      const number = Number(value);
      if (!Number.isFinite(number) || (fieldKind === "integer" && !Number.isInteger(number)))
        errors[path] = fieldKind === "integer" ? "Enter a whole number." : "Enter a number.";
      else if (schema.minimum !== undefined && number < schema.minimum) errors[path] = `At least ${schema.minimum}.`;
      else if (schema.maximum !== undefined && number > schema.maximum) errors[path] = `At most ${schema.maximum}.`;
      return number;
    }
    case "string":
      if (schema.minLength && String(value).length < schema.minLength) errors[path] = `At least ${schema.minLength} characters.`;
      if (schema.maxLength && String(value).length > schema.maxLength) errors[path] = `At most ${schema.maxLength} characters.`;
      return value;
    case "enum":
      if (!schema.enum!.some((option) => String(option) === String(value))) errors[path] = "Choose one of the options.";
      return schema.enum!.find((option) => String(option) === String(value)) ?? value;
    case "json":
      try {
        return typeof value === "string" ? JSON.parse(value) : value;
      } catch {
        errors[path] = "Enter valid JSON.";
        return value;
      }
    default:
      return value;
  }
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}
