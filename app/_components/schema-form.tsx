"use client";

import { useState, type ReactNode } from "react";
import { checkValue, matchingVariant, resolveSchema, variantLabel, variantsOf, type JsonSchema, type SchemaIssue } from "@/lib/forms/json-schema";
import { Button, inputClass } from "./ui";

export type { JsonSchema };

type Value = unknown;
export type FieldErrors = Record<string, string>;

function kind(schema: JsonSchema): "object" | "array" | "string" | "number" | "integer" | "boolean" | "enum" | "union" | "json" {
  if (variantsOf(schema).length > 1) return "union";
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== "null") : schema.type;
  if (type === "object" && schema.properties) return "object";
  if (type === "array" && schema.items) return "array";
  if (type === "string" || type === "number" || type === "integer" || type === "boolean") return type;
  return "json";
}

function label(name: string): string {
  if (/\s/.test(name)) return name;
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[-_]/g, " ").replace(/^./, (first) => first.toUpperCase());
}

/** "Labels" -> "Label": what one item of a list is called. */
function singular(text: string): string {
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
      return Object.fromEntries(Object.entries(schema.properties!).map(([name, child]) => [name, initialValue(child, schema.required?.includes(name) ?? false)]));
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
function clean(rawSchema: JsonSchema, value: Value, path: string, required: boolean, errors: FieldErrors): Value {
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

function summaryOf(value: Value): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, Value>;
  const preferred = ["name", "title", "message", "id", "login", "key"].find((key) => typeof record[key] === "string" && record[key]);
  const text = preferred ? (record[preferred] as string) : Object.values(record).find((child): child is string => typeof child === "string" && child.length > 0);
  return text ? (text.length > 40 ? `${text.slice(0, 40)}…` : text) : undefined;
}

function UnionField(props: FieldProps) {
  const { name, path, schema, value, onChange } = props;
  const variants = variantsOf(schema);
  const [chosen, setChosen] = useState(() => matchingVariant(schema, value));
  const id = `field-${path.replace(/\./g, "-")}-variant`;
  return (
    <div className="space-y-2 rounded-md border border-dashed border-zinc-300 p-3 dark:border-zinc-700">
      <label htmlFor={id} className="block text-sm font-medium">
        {label(name)}: which kind
      </label>
      <select
        id={id}
        className={inputClass}
        value={chosen}
        onChange={(event) => {
          const next = Number(event.target.value);
          setChosen(next);
          onChange(initialValue(variants[next]!, props.required));
        }}
      >
        {variants.map((variant, index) => (
          <option key={index} value={index}>
            {variantLabel(variant, index)}
          </option>
        ))}
      </select>
      <Field {...props} key={chosen} schema={{ ...variants[chosen]!, description: variants[chosen]!.description ?? schema.description }} />
    </div>
  );
}

function Field(props: FieldProps) {
  const { name, path, value, required, errors, onChange } = props;
  const schema = resolveSchema(props.schema);
  if (kind(schema) === "union") return <UnionField {...props} schema={schema} />;
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
              <div className="min-w-0 flex-1">
                <Field
                  name={`${singular(label(name))} ${index + 1}${summaryOf(item) ? `: ${summaryOf(item)}` : ""}`}
                  path={`${path}.${index}`}
                  schema={itemSchema}
                  value={item}
                  required
                  errors={errors}
                  onChange={(next) => onChange(items.map((current, position) => (position === index ? next : current)))}
                />
              </div>
              <button type="button" className="mt-6 rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={() => onChange(items.filter((_, position) => position !== index))} aria-label={`Remove ${singular(label(name)).toLowerCase()} ${index + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => onChange([...items, initialValue(itemSchema)])}>
            Add {singular(label(name)).toLowerCase()}
          </button>
          <Help id={id} schema={schema} error={error} />
        </fieldset>
      );
    }
    case "boolean":
      if (!required && schema.default === undefined) {
        // Optional with no default: "not set" is a real answer, distinct from "no".
        return (
          <div className="space-y-1">
            <FieldLabel htmlFor={id} name={name} required={required} />
            <select {...common} className={inputClass} value={value === undefined ? "" : String(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value === "true")}>
              <option value="">Not set</option>
              <option value="true">Yes</option>
              <option value="false">No</option>
            </select>
            <Help id={id} schema={schema} error={error} />
          </div>
        );
      }
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

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}

function JsonIssues({ issues }: { issues: SchemaIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul role="alert" aria-label="Problems in the JSON" className="space-y-0.5 text-xs text-red-600 dark:text-red-400">
      {issues.map((issue) => (
        <li key={`${issue.path}:${issue.message}`}>
          <code>{issue.path}</code>: {issue.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * A form generated from an object's JSON Schema, with the whole input as JSON beside it: switching
 * either way carries the input over, and the JSON is checked against the schema as it is typed.
 * The form checks what it can before sending; the server validates again with the zod schema,
 * and its per-field errors are shown in the same places.
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
  const [mode, setMode] = useState<"form" | "json">("form");
  const [jsonText, setJsonText] = useState("");
  const errors = { ...serverErrors, ...clientErrors };
  const parsedJson = mode === "json" ? parseJson(jsonText) : undefined;
  const jsonIssues: SchemaIssue[] = !parsedJson ? [] : parsedJson.ok ? checkValue(schema, parsedJson.value) : [{ path: "input", message: parsedJson.message }];

  const toJson = () => {
    setJsonText(JSON.stringify(clean(schema, value, "", true, {}) ?? {}, null, 2));
    setMode("json");
  };
  const toForm = () => {
    if (!parsedJson?.ok || !parsedJson.value || typeof parsedJson.value !== "object" || Array.isArray(parsedJson.value)) return;
    setValue({ ...(initialValue(schema) as object), ...(parsedJson.value as object) });
    setClientErrors({});
    setMode("form");
  };
  const canLeaveJson = Boolean(parsedJson?.ok && parsedJson.value && typeof parsedJson.value === "object" && !Array.isArray(parsedJson.value));

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (mode === "json") {
          if (parsedJson?.ok && jsonIssues.length === 0) onSubmit(parsedJson.value);
          return;
        }
        const found: FieldErrors = {};
        const cleaned = clean(schema, value, "", true, found);
        setClientErrors(found);
        if (Object.keys(found).length === 0) onSubmit(cleaned ?? {});
      }}
    >
      <div role="tablist" aria-label="Edit the input as" className="inline-flex rounded-md border border-zinc-300 p-0.5 text-sm dark:border-zinc-700">
        {(["form", "json"] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={mode === tab}
            disabled={tab === "form" && mode === "json" && !canLeaveJson}
            title={tab === "form" && mode === "json" && !canLeaveJson ? "Fix the JSON first: it must be an object" : undefined}
            onClick={() => (tab === "json" ? mode === "form" && toJson() : mode === "json" && toForm())}
            className={`rounded px-3 py-1 font-medium disabled:cursor-not-allowed disabled:opacity-50 ${mode === tab ? "bg-indigo-600 text-white" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
          >
            {tab === "form" ? "Form" : "JSON"}
          </button>
        ))}
      </div>
      {mode === "json" ? (
        <div className="space-y-1">
          <label htmlFor="schema-form-json" className="block text-sm font-medium">
            The whole input as JSON
          </label>
          <textarea
            id="schema-form-json"
            rows={Math.min(24, Math.max(6, jsonText.split("\n").length + 1))}
            spellCheck={false}
            className={`${inputClass} font-mono text-xs`}
            value={jsonText}
            aria-invalid={jsonIssues.length > 0 ? true : undefined}
            onChange={(event) => setJsonText(event.target.value)}
          />
          {jsonIssues.length === 0 ? <p className="text-xs text-emerald-700 dark:text-emerald-400">Fits the input schema.</p> : <JsonIssues issues={jsonIssues} />}
        </div>
      ) : (
        Object.entries(schema.properties ?? {}).map(([name, child]) => (
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
        ))
      )}
      <Button type="submit" disabled={pending || (mode === "json" && jsonIssues.length > 0)}>
        {pending ? "Running…" : submitLabel}
      </Button>
    </form>
  );
}
