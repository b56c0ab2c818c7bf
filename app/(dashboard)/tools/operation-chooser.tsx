"use client";

import { useMemo } from "react";

export type ChoosableOperation = { toolId: string; method: string; path: string; summary: string; tags: string[] };

const UNTAGGED = "(untagged)";

function groupByTag(operations: ChoosableOperation[]): [string, ChoosableOperation[]][] {
  const groups = new Map<string, ChoosableOperation[]>();
  for (const operation of operations)
    for (const tag of operation.tags.length ? operation.tags : [UNTAGGED]) groups.set(tag, [...(groups.get(tag) ?? []), operation]);
  return [...groups];
}

/**
 * Which imported operations are tools: by tag, by method (all GET) or one by one, with counts.
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
  const groups = useMemo(() => groupByTag(operations), [operations]);
  const methods = useMemo(() => [...new Set(operations.map((operation) => operation.method))], [operations]);
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
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Choose by HTTP verb">
        <button type="button" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" onClick={() => set(operations, true)}>
          Enable all
        </button>
        <button type="button" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" onClick={() => set(operations, false)}>
          Disable all
        </button>
        {methods.map((method) => {
          const list = operations.filter((operation) => operation.method === method);
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
