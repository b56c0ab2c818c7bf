"use client";

import Link from "next/link";
import { useDeferredValue, useMemo, useState } from "react";
import { inputClass } from "@/app/_components/ui";

export type ListedOperation = { toolId: string; method: string; path: string; summary: string; tags: string[]; deprecated: boolean };

const SHOWN = 100;

const methodLook: Record<string, string> = {
  GET: "text-sky-700 dark:text-sky-300",
  POST: "text-emerald-700 dark:text-emerald-300",
  PUT: "text-amber-700 dark:text-amber-300",
  PATCH: "text-amber-700 dark:text-amber-300",
  DELETE: "text-red-700 dark:text-red-300",
};

/** An imported API's operations, filtered as you type by name, summary, path, tag and method. */
export function OperationList({ label, operations }: { label: string; operations: ListedOperation[] }) {
  const [query, setQuery] = useState("");
  const [method, setMethod] = useState("");
  const [tag, setTag] = useState("");
  const deferredQuery = useDeferredValue(query);
  const tags = useMemo(() => [...new Set(operations.flatMap((operation) => operation.tags))].sort(), [operations]);
  const methods = useMemo(() => [...new Set(operations.map((operation) => operation.method))], [operations]);
  const indexed = useMemo(
    () => operations.map((operation) => ({ operation, text: `${operation.toolId} ${operation.summary} ${operation.path}`.toLowerCase() })),
    [operations],
  );
  const matches = useMemo(() => {
    const words = deferredQuery.toLowerCase().split(/\s+/).filter(Boolean);
    return indexed
      .filter(
        ({ operation, text }) =>
          (!method || operation.method === method) && (!tag || operation.tags.includes(tag)) && words.every((word) => text.includes(word)),
      )
      .map(({ operation }) => operation);
  }, [indexed, deferredQuery, method, tag]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Filter by name, summary or path"
          aria-label={`Filter ${label} operations`}
          className={`${inputClass} max-w-sm`}
        />
        <select value={method} onChange={(event) => setMethod(event.target.value)} aria-label="Method" className={`${inputClass} w-auto`}>
          <option value="">Any method</option>
          {methods.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        {tags.length > 0 && (
          <select value={tag} onChange={(event) => setTag(event.target.value)} aria-label="Tag" className={`${inputClass} w-auto max-w-xs`}>
            <option value="">Any tag</option>
            {tags.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        )}
      </div>
      <p className="text-xs text-zinc-500" aria-live="polite">
        {matches.length === operations.length ? `${operations.length} operations` : `${matches.length} of ${operations.length} operations match`}
        {matches.length > SHOWN ? `; showing the first ${SHOWN}, narrow the filter to see the rest` : ""}
      </p>
      <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-label={`${label} operations`}>
        {matches.slice(0, SHOWN).map((operation) => (
          <li key={operation.toolId} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2 text-sm">
            <span className={`w-14 shrink-0 font-mono text-xs font-semibold ${methodLook[operation.method] ?? ""}`}>{operation.method}</span>
            <Link
              href={`/tools/${encodeURIComponent(operation.toolId)}`}
              className="font-mono text-sm font-semibold text-indigo-600 hover:underline dark:text-indigo-400"
            >
              {operation.toolId}
            </Link>
            <span className="min-w-0 flex-1 truncate text-zinc-600 dark:text-zinc-400">{operation.summary || operation.path}</span>
            <code className="text-xs text-zinc-500">{operation.path}</code>
            {operation.deprecated && <span className="text-xs text-amber-700 dark:text-amber-300">deprecated</span>}
          </li>
        ))}
        {matches.length === 0 && <li className="px-3 py-4 text-sm text-zinc-500">No operation matches this filter.</li>}
      </ul>
    </div>
  );
}
