"use client";

import { useState, type ReactNode } from "react";
import { matchingVariant, resolveSchema, variantLabel, variantsOf, type JsonSchema } from "@/lib/forms/json-schema";
import { initialValue, kind, label, singular, type FieldErrors, type Value } from "./schema-form-values";
import { inputClass } from "./ui";

/** One generated field per schema node: objects, arrays, scalars, enums, unions and raw JSON. */
export type FieldProps = {
  name: string;
  path: string;
  schema: JsonSchema;
  value: Value;
  required: boolean;
  errors: FieldErrors;
  onChange: (value: Value) => void;
};

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
  const text = preferred
    ? (record[preferred] as string)
    : Object.values(record).find((child): child is string => typeof child === "string" && child.length > 0);
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

export function Field(props: FieldProps) {
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
              <button
                type="button"
                className="mt-6 rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:hover:bg-zinc-800"
                onClick={() => onChange(items.filter((_, position) => position !== index))}
                aria-label={`Remove ${singular(label(name)).toLowerCase()} ${index + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
            onClick={() => onChange([...items, initialValue(itemSchema)])}
          >
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
            <select
              {...common}
              className={inputClass}
              value={value === undefined ? "" : String(value)}
              onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value === "true")}
            >
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
          <select
            {...common}
            className={inputClass}
            value={value === undefined ? "" : String(value)}
            onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
          >
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
          <input
            {...common}
            type="number"
            step={kind(schema) === "integer" ? 1 : "any"}
            min={schema.minimum}
            max={schema.maximum}
            className={inputClass}
            value={value === undefined ? "" : String(value)}
            onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
          />
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
            <input
              {...common}
              type={schema.format === "uri" ? "url" : "text"}
              className={inputClass}
              value={(value as string) ?? ""}
              onChange={(event) => onChange(event.target.value)}
            />
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
          <textarea
            {...common}
            rows={4}
            spellCheck={false}
            className={`${inputClass} font-mono text-xs`}
            value={typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value, null, 2)}
            onChange={(event) => onChange(event.target.value)}
          />
          <Help id={id} schema={schema} error={error} />
        </div>
      );
  }
}
