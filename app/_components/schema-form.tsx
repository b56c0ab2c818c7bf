"use client";

import { useState, type ReactNode } from "react";
import { Button, inputClass } from "./ui";

/** The subset of JSON Schema (as z.toJSONSchema writes it) that the generated forms understand. */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

type Value = unknown;
export type FieldErrors = Record<string, string>;

function kind(schema: JsonSchema): "object" | "array" | "string" | "number" | "integer" | "boolean" | "enum" | "json" {
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== "null") : schema.type;
  if (type === "object" && schema.properties) return "object";
  if (type === "array" && schema.items) return "array";
  if (type === "string" || type === "number" || type === "integer" || type === "boolean") return type;
  return "json";
}

function label(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[-_]/g, " ").replace(/^./, (first) => first.toUpperCase());
}

/** The starting value for a schema: its default, or an empty value of its kind. */
export function initialValue(schema: JsonSchema): Value {
  if (schema.default !== undefined) return schema.default;
  switch (kind(schema)) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties!).map(([name, child]) => [name, initialValue(child)]));
    case "array":
      return [];
    case "boolean":
      return false;
    default:
      return undefined;
  }
}

/** Drops empty optional values and checks what can be checked before sending. */
function clean(schema: JsonSchema, value: Value, path: string, required: boolean, errors: FieldErrors): Value {
  const fieldKind = kind(schema);
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0 && !required);
  if (empty) {
    if (required && schema.default === undefined && fieldKind !== "boolean") errors[path] = "Required.";
    return undefined;
  }
  switch (fieldKind) {
    case "object": {
      const result: Record<string, Value> = {};
      for (const [name, child] of Object.entries(schema.properties!)) {
        const cleaned = clean(child, (value as Record<string, Value>)?.[name], path ? `${path}.${name}` : name, schema.required?.includes(name) ?? false, errors);
        if (cleaned !== undefined) result[name] = cleaned;
      }
      return result;
    }
    case "array":
      return (value as Value[]).map((item, index) => clean(schema.items!, item, `${path}.${index}`, true, errors));
    case "number":
    case "integer": {
      const number = Number(value);
      if (!Number.isFinite(number) || (fieldKind === "integer" && !Number.isInteger(number))) errors[path] = fieldKind === "integer" ? "Enter a whole number." : "Enter a number.";
      else if (schema.minimum !== undefined && number < schema.minimum) errors[path] = `At least ${schema.minimum}.`;
      else if (schema.maximum !== undefined && number > schema.maximum) errors[path] = `At most ${schema.maximum}.`;
      return number;
    }
    case "string":
      if (schema.minLength && String(value).length < schema.minLength) errors[path] = `At least ${schema.minLength} characters.`;
      if (schema.maxLength && String(value).length > schema.maxLength) errors[path] = `At most ${schema.maxLength} characters.`;
      return value;
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

type FieldProps = { name: string; path: string; schema: JsonSchema; value: Value; required: boolean; errors: FieldErrors; onChange: (value: Value) => void };

function Help({ id, schema, error }: { id: string; schema: JsonSchema; error?: string }) {
  return (
    <>
      {schema.description && (
        <p id={`${id}-help`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {schema.description}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function FieldLabel({ htmlFor, name, required, children }: { htmlFor?: string; name: string; required: boolean; children?: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium">
      {label(name)}
      {!required && <span className="ml-1 text-xs font-normal text-zinc-500">(optional)</span>}
      {children}
    </label>
  );
}

function Field({ name, path, schema, value, required, errors, onChange }: FieldProps) {
  const id = `field-${path.replace(/\./g, "-")}`;
  const error = errors[path];
  const described = [schema.description ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-invalid": error ? true : undefined, "aria-describedby": described };
  switch (kind(schema)) {
    case "object":
      return (
        <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
          <legend className="px-1 text-sm font-medium">{label(name)}</legend>
          {schema.description && <p className="text-xs text-zinc-500 dark:text-zinc-400">{schema.description}</p>}
          {Object.entries(schema.properties!).map(([childName, child]) => (
            <Field
              key={childName}
              name={childName}
              path={`${path}.${childName}`}
              schema={child}
              value={(value as Record<string, Value> | undefined)?.[childName]}
              required={schema.required?.includes(childName) ?? false}
              errors={errors}
              onChange={(next) => onChange({ ...((value as object) ?? {}), [childName]: next })}
            />
          ))}
        </fieldset>
      );
    case "array": {
      const items = (value as Value[] | undefined) ?? [];
      const itemSchema = schema.items!;
      if (itemSchema.enum) {
        return (
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">{label(name)}</legend>
            <div className="flex flex-wrap gap-3">
              {itemSchema.enum.map((option) => (
                <label key={String(option)} className="inline-flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={items.includes(option)}
                    onChange={(event) => onChange(event.target.checked ? [...items, option] : items.filter((item) => item !== option))}
                  />
                  {String(option)}
                </label>
              ))}
            </div>
            <Help id={id} schema={schema} error={error} />
          </fieldset>
        );
      }
      return (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">
            {label(name)}
            {!required && <span className="ml-1 text-xs font-normal text-zinc-500">(optional)</span>}
          </legend>
          {items.map((item, index) => (
            <div key={index} className="flex items-start gap-2">
              <div className="flex-1">
                <Field
                  name={`${label(name)} ${index + 1}`}
                  path={`${path}.${index}`}
                  schema={itemSchema}
                  value={item}
                  required
                  errors={errors}
                  onChange={(next) => onChange(items.map((current, position) => (position === index ? next : current)))}
                />
              </div>
              <button type="button" className="mt-6 rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={() => onChange(items.filter((_, position) => position !== index))} aria-label={`Remove ${label(name)} ${index + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => onChange([...items, initialValue(itemSchema)])}>
            Add {label(name).replace(/s$/, "").toLowerCase()}
          </button>
          <Help id={id} schema={schema} error={error} />
        </fieldset>
      );
    }
    case "boolean":
      return (
        <div className="space-y-1">
          <label className="inline-flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" {...common} checked={Boolean(value)} onChange={(event) => onChange(event.target.checked)} />
            {label(name)}
          </label>
          <Help id={id} schema={schema} error={error} />
        </div>
      );
    case "enum":
      return (
        <div className="space-y-1">
          <FieldLabel htmlFor={id} name={name} required={required} />
          <select {...common} className={inputClass} value={value === undefined ? "" : String(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}>
            {(!required || schema.default === undefined) && <option value="">{required ? "Choose…" : "—"}</option>}
            {schema.enum!.map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </select>
          <Help id={id} schema={schema} error={error} />
        </div>
      );
    case "number":
    case "integer":
      return (
        <div className="space-y-1">
          <FieldLabel htmlFor={id} name={name} required={required} />
          <input {...common} type="number" step={kind(schema) === "integer" ? 1 : "any"} min={schema.minimum} max={schema.maximum} className={inputClass} value={value === undefined ? "" : String(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)} />
          <Help id={id} schema={schema} error={error} />
        </div>
      );
    case "string":
      return (
        <div className="space-y-1">
          <FieldLabel htmlFor={id} name={name} required={required} />
          {(schema.maxLength ?? 0) > 300 ? (
            <textarea {...common} rows={4} className={inputClass} value={(value as string) ?? ""} onChange={(event) => onChange(event.target.value)} />
          ) : (
            <input {...common} type={schema.format === "uri" ? "url" : "text"} className={inputClass} value={(value as string) ?? ""} onChange={(event) => onChange(event.target.value)} />
          )}
          <Help id={id} schema={schema} error={error} />
        </div>
      );
    default:
      return (
        <div className="space-y-1">
          <FieldLabel htmlFor={id} name={name} required={required}>
            <span className="ml-1 text-xs font-normal text-zinc-500">JSON</span>
          </FieldLabel>
          <textarea {...common} rows={4} spellCheck={false} className={`${inputClass} font-mono text-xs`} value={typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value, null, 2)} onChange={(event) => onChange(event.target.value)} />
          <Help id={id} schema={schema} error={error} />
        </div>
      );
  }
}

/**
 * A form generated from an object's JSON Schema. Checks what it can before sending; the server
 * validates again with the zod schema, and its per-field errors are shown in the same places.
 */
export function SchemaForm({
  schema,
  initial,
  serverErrors = {},
  submitLabel,
  pending,
  onSubmit,
}: {
  schema: JsonSchema;
  initial?: Record<string, unknown>;
  serverErrors?: FieldErrors;
  submitLabel: string;
  pending: boolean;
  onSubmit: (input: unknown) => void;
}) {
  const [value, setValue] = useState<Value>(() => ({ ...(initialValue(schema) as object), ...initial }));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const errors = { ...serverErrors, ...clientErrors };
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const found: FieldErrors = {};
        const cleaned = clean(schema, value, "", true, found);
        setClientErrors(found);
        if (Object.keys(found).length === 0) onSubmit(cleaned ?? {});
      }}
    >
      {Object.entries(schema.properties ?? {}).map(([name, child]) => (
        <Field
          key={name}
          name={name}
          path={name}
          schema={child}
          value={(value as Record<string, Value>)?.[name]}
          required={schema.required?.includes(name) ?? false}
          errors={errors}
          onChange={(next) => setValue({ ...(value as object), [name]: next })}
        />
      ))}
      <Button type="submit" disabled={pending}>
        {pending ? "Running…" : submitLabel}
      </Button>
    </form>
  );
}
