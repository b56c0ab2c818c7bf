"use client";

import { useState, useTransition } from "react";
import { JsonTree } from "@/app/_components/json-tree";
import { SchemaForm, type JsonSchema } from "@/app/_components/schema-form";
import { Alert, Card } from "@/app/_components/ui";
import { runToolAction, startWorkflowAction, type RunState } from "./actions";

/** The form for a tool or a workflow, generated from its input schema, and (for tools) the result. */
export function Runner({ kind, id, schema, initial }: { kind: "tool" | "workflow"; id: string; schema: JsonSchema; initial?: Record<string, unknown> }) {
  const [state, setState] = useState<RunState>(undefined);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-4">
      <SchemaForm
        schema={schema}
        initial={initial}
        pending={pending}
        submitLabel={kind === "tool" ? "Run tool" : "Start workflow"}
        serverErrors={state?.status === "invalid" ? state.fieldErrors : {}}
        onSubmit={(input) =>
          startTransition(async () => {
            setState(kind === "tool" ? await runToolAction(id, input) : await startWorkflowAction(id, input));
          })
        }
      />
      {pending && <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">Running…</p>}
      {state?.status === "invalid" && <Alert>{state.message}</Alert>}
      {state && state.status !== "invalid" && (
        <Card>
          <div className="mb-3 flex flex-wrap items-center gap-3 text-sm" data-testid="run-result">
            <span className={`font-semibold ${state.status === "succeeded" ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
              {state.status === "succeeded" ? "Succeeded" : "Failed"}
            </span>
            {state.durationMs !== null && <span className="text-zinc-500">{state.durationMs} ms</span>}
          </div>
          {state.error && <Alert>{state.error}</Alert>}
          <div className="mt-3">
            <JsonTree text={JSON.stringify(state.output ?? null)} label="output" openDepth={4} />
          </div>
        </Card>
      )}
    </div>
  );
}
