"use client";

import { useState } from "react";
import { checkValue, exampleOf, type JsonSchema, type SchemaIssue } from "@/lib/forms/json-schema";
import { Field } from "./schema-form-fields";
import { clean, initialValue, parseJson, type FieldErrors, type Value } from "./schema-form-values";
import { Button, inputClass } from "./ui";

export type { JsonSchema, FieldErrors };

/** Choices a tool's service listed for the person (lib/tools/lookups.ts): picking one fills in its fields. */
export type FormLookup = { label: string; fields: string[]; choices: { label: string; values: Record<string, string> }[]; error?: string };

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** One lookup as a select above the fields; when the service could not list anything, a line saying so (the fields stay free text). */
function LookupPicker({ lookup, value, onPick }: { lookup: FormLookup; value: Record<string, unknown>; onPick: (values: Record<string, string>) => void }) {
  const id = `lookup-${slug(lookup.label)}`;
  if (lookup.choices.length === 0)
    return (
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid={id}>
        {lookup.error
          ? `Your ${lookup.label.toLowerCase()} choices could not be listed (${lookup.error}); type ${lookup.fields.join(" and ")} below.`
          : `No ${lookup.label.toLowerCase()} to choose from; type ${lookup.fields.join(" and ")} below.`}
      </p>
    );
  const chosen = lookup.choices.findIndex((choice) => Object.entries(choice.values).every(([field, fieldValue]) => value[field] === fieldValue));
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {lookup.label} <span className="font-normal text-zinc-600 dark:text-zinc-400">(fills in {lookup.fields.join(" and ")})</span>
      </label>
      <select
        id={id}
        className={inputClass}
        value={chosen < 0 ? "" : String(chosen)}
        onChange={(event) => event.target.value && onPick(lookup.choices[Number(event.target.value)]!.values)}
      >
        <option value="">Choose…</option>
        {lookup.choices.map((choice, index) => (
          <option key={choice.label} value={index}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
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
  lookups = [],
}: {
  schema: JsonSchema;
  lookups?: FormLookup[];
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

  // What the form holds; with nothing filled in yet, an example of the whole input built from the schema to start from.
  const toJson = () => {
    const filled = clean(schema, value, "", true, {}) ?? {};
    const empty = typeof filled === "object" && filled !== null && Object.keys(filled).length === 0;
    setJsonText(JSON.stringify(empty ? exampleOf(schema) : filled, null, 2));
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
          {jsonIssues.length === 0 ? (
            <p className="text-xs text-emerald-700 dark:text-emerald-400">Fits the input schema.</p>
          ) : (
            <JsonIssues issues={jsonIssues} />
          )}
        </div>
      ) : (
        <>
          {lookups.map((lookup) => (
            <LookupPicker
              key={lookup.label}
              lookup={lookup}
              value={value as Record<string, unknown>}
              onPick={(values) => setValue({ ...(value as object), ...values })}
            />
          ))}
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
        </>
      )}
      <Button type="submit" disabled={pending || (mode === "json" && jsonIssues.length > 0)}>
        {pending ? "Running…" : submitLabel}
      </Button>
    </form>
  );
}
