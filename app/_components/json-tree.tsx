"use client";

import { useMemo, useState } from "react";
import { inputClass } from "./ui";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function matches(value: Json, key: string, query: string): boolean {
  if (!query) return true;
  if (key.toLowerCase().includes(query)) return true;
  if (value === null || typeof value !== "object") return String(value).toLowerCase().includes(query);
  return Object.entries(value).some(([childKey, child]) => matches(child as Json, childKey, query));
}

function Node({ name, value, query, depth, openDepth }: { name: string; value: Json; query: string; depth: number; openDepth: number }) {
  const isBranch = value !== null && typeof value === "object";
  if (!matches(value, name, query)) return null;
  if (!isBranch) {
    const tone =
      typeof value === "string"
        ? "text-emerald-700 dark:text-emerald-400"
        : typeof value === "number"
          ? "text-sky-700 dark:text-sky-400"
          : "text-violet-700 dark:text-violet-400";
    return (
      <li className="whitespace-pre-wrap break-all">
        <span className="text-zinc-600 dark:text-zinc-400">{name}: </span>
        <span className={tone}>
          {typeof value === "string" && /^https?:\/\/\S+$/.test(value) ? (
            <>
              &quot;
              <a href={value} target="_blank" rel="noopener noreferrer" className="underline decoration-dotted hover:decoration-solid">
                {value}
              </a>
              &quot;
            </>
          ) : typeof value === "string" ? (
            `"${value}"`
          ) : (
            String(value)
          )}
        </span>
      </li>
    );
  }
  const entries = Array.isArray(value) ? value.map((child, index) => [String(index), child] as const) : Object.entries(value);
  return (
    <li>
      <details open={depth < openDepth || Boolean(query)}>
        <summary className="cursor-pointer select-none">
          <span className="text-zinc-600 dark:text-zinc-400">{name}</span>{" "}
          <span className="text-zinc-600 dark:text-zinc-400">{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</span>
        </summary>
        <ul className="ml-4 border-l border-zinc-200 pl-3 dark:border-zinc-800">
          {entries.map(([key, child]) => (
            <Node key={key} name={key} value={child as Json} query={query} depth={depth + 1} openDepth={openDepth} />
          ))}
        </ul>
      </details>
    </li>
  );
}

/** A collapsible, searchable view of a JSON document (falls back to raw text when it is not JSON). */
export function JsonTree({
  text,
  label = "payload",
  openDepth = 1,
  testId = "json-tree",
}: {
  text: string;
  label?: string;
  openDepth?: number;
  testId?: string;
}) {
  const [query, setQuery] = useState("");
  const parsed = useMemo(() => {
    try {
      return { ok: true as const, value: JSON.parse(text) as Json };
    } catch {
      return { ok: false as const };
    }
  }, [text]);
  if (!parsed.ok) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Not JSON; see the raw body.</p>;
  return (
    <div className="space-y-2">
      <input
        type="search"
        placeholder={`Search the ${label}`}
        aria-label={`Search the ${label}`}
        className={inputClass}
        value={query}
        onChange={(event) => setQuery(event.target.value.toLowerCase())}
      />
      <ul className="font-mono text-xs leading-relaxed" data-testid={testId}>
        <Node name={label} value={parsed.value} query={query} depth={0} openDepth={openDepth} />
      </ul>
    </div>
  );
}
