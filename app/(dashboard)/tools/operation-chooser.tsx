"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { inputClass } from "@/app/_components/ui";
import { filterOperations, type ChoosableOperation } from "@/lib/openapi/operation-filter";

export type { ChoosableOperation };

const UNTAGGED = "(untagged)";

function groupByTag(operations: ChoosableOperation[]): [string, ChoosableOperation[]][] {
  const groups = new Map<string, ChoosableOperation[]>();
  for (const operation of operations)
    for (const tag of operation.tags.length ? operation.tags : [UNTAGGED]) groups.set(tag, [...(groups.get(tag) ?? []), operation]);
  return [...groups];
}

/**
 * Which imported operations are tools: by tag, by method (all GET) or one by one, with counts, and
 * a text filter (path, summary, operation id) the bulk choices then apply to.
 * Controlled: `enabled` is the set of tool ids, `onChange` gets the next one.
 */
export function OperationChooser({
  operations,
  enabled,
  onChange,
}: {
  operations: ChoosableOperation[];
  enabled: Set<string>;
  onChange: (next: Set<string>) => void;
}) {
  const [filter, setFilter] = useState("");
  const deferredFilter = useDeferredValue(filter);
  const shown = useMemo(() => filterOperations(operations, deferredFilter), [operations, deferredFilter]);
  const filtered = shown.length !== operations.length;
  const groups = useMemo(() => groupByTag(shown), [shown]);
  const methods = useMemo(() => [...new Set(shown.map((operation) => operation.method))], [shown]);
  const count = (list: ChoosableOperation[]) => list.filter((operation) => enabled.has(operation.toolId)).length;
  const set = (list: ChoosableOperation[], on: boolean) => {
    const next = new Set(enabled);
    for (const operation of list)
      if (on) next.add(operation.toolId);
      else next.delete(operation.toolId);
    onChange(next);
  };

  return (
    <div className="space-y-3 text-sm" data-testid="operation-chooser">
      <p data-testid="enabled-count">
        <strong>{enabled.size}</strong> of {operations.length} operations enabled as tools
      </p>
      <input
        type="search"
        aria-label="Filter operations"
        placeholder="Filter by path, summary or operation id"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
        className={inputClass}
      />
      {filtered && (
        <p className="text-zinc-500" data-testid="shown-count">
          Showing {shown.length} of {operations.length}; the buttons below apply to these.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Choose by HTTP verb">
        <button type="button" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" onClick={() => set(shown, true)}>
          {filtered ? "Enable all shown" : "Enable all"}
        </button>
        <button type="button" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" onClick={() => set(shown, false)}>
          {filtered ? "Disable all shown" : "Disable all"}
        </button>
        {methods.map((method) => {
          const list = shown.filter((operation) => operation.method === method);
          const all = count(list) === list.length;
          return (
            <button
              key={method}
              type="button"
              className="rounded border border-zinc-300 px-2 py-1 font-mono text-xs dark:border-zinc-700"
              onClick={() => set(list, !all)}
            >
              {all ? "Disable" : "Enable"} all {method} ({count(list)}/{list.length})
            </button>
          );
        })}
      </div>
      <div className="max-h-[32rem] space-y-3 overflow-y-auto pr-2">
        {shown.length === 0 && <p className="text-zinc-500">No operation matches “{deferredFilter}”.</p>}
        {groups.map(([tag, list]) => {
          const on = count(list);
          return (
            <fieldset key={tag}>
              <legend>
                <label className="flex items-center gap-2 font-semibold">
                  <input
                    type="checkbox"
                    aria-label={`All of ${tag}`}
                    checked={on === list.length}
                    ref={(input) => {
                      if (input) input.indeterminate = on > 0 && on < list.length;
                    }}
                    onChange={(event) => set(list, event.target.checked)}
                  />
                  {tag}{" "}
                  <span className="font-normal text-zinc-500">
                    ({on}/{list.length})
                  </span>
                </label>
              </legend>
              <ul className="mt-1 space-y-0.5 pl-6">
                {list.map((operation) => (
                  <li key={operation.toolId}>
                    <label className="flex items-center gap-2 font-mono text-xs">
                      <input
                        type="checkbox"
                        aria-label={operation.toolId}
                        checked={enabled.has(operation.toolId)}
                        onChange={(event) => set([operation], event.target.checked)}
                      />
                      <span className="w-14">{operation.method}</span>
                      <span>{operation.path}</span>
                      <span className="truncate font-sans text-zinc-500">{operation.summary}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}
