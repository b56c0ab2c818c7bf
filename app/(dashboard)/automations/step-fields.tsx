"use client";

import { Alert, Button, inputClass } from "@/app/_components/ui";
import { type AutomationStep, stepExpression, stepExpressionField } from "@/lib/automations/definition";
import { areaClass, type EditorOptions, labelClass, type StepPreview } from "./editor-shared";

function JsonBlock({ value }: { value: unknown }) {
  return (
    <pre className="max-h-64 overflow-auto rounded bg-zinc-100 p-2 text-xs text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100" tabIndex={0}>
      {value === undefined ? "(nothing: the expression gives no value)" : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** One step of the editor's "Then": its key and kind's fields, its expression, and what it maps to for the sample. */
export function StepFields({
  step,
  index,
  count,
  options,
  preview,
  change,
  move,
  remove,
}: {
  step: AutomationStep;
  index: number;
  count: number;
  options: EditorOptions;
  preview?: StepPreview;
  change: (step: AutomationStep) => void;
  move: (by: -1 | 1) => void;
  remove: () => void;
}) {
  const tool = step.kind === "tool" ? options.tools.find((candidate) => candidate.id === step.toolId) : undefined;
  return (
    <li className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Step ${index + 1}`}>
      <div className="flex flex-wrap items-end gap-2">
        <label className={labelClass}>
          Step {index + 1} key
          <input
            className={`${inputClass} font-mono`}
            aria-label={`Step ${index + 1} key`}
            value={step.key}
            onChange={(event) => change({ ...step, key: event.target.value })}
          />
        </label>
        <span className="rounded bg-zinc-100 px-2 py-1 text-xs dark:bg-zinc-800">{step.kind}</span>
        <div className="ml-auto flex gap-1">
          <Button type="button" variant="secondary" disabled={index === 0} onClick={() => move(-1)} aria-label={`Move step ${index + 1} up`}>
            ↑
          </Button>
          <Button type="button" variant="secondary" disabled={index === count - 1} onClick={() => move(1)} aria-label={`Move step ${index + 1} down`}>
            ↓
          </Button>
          <Button type="button" variant="danger" disabled={count === 1} onClick={remove} aria-label={`Remove step ${index + 1}`}>
            Remove
          </Button>
        </div>
      </div>
      {step.kind === "tool" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={labelClass}>
            Tool
            <select
              className={inputClass}
              aria-label={`Step ${index + 1} tool`}
              value={step.toolId}
              onChange={(event) => change({ ...step, toolId: event.target.value, accounts: undefined })}
            >
              {options.tools.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} ({candidate.id})
                </option>
              ))}
            </select>
          </label>
          {tool?.providers.map((providerId) => (
            <label key={providerId} className={labelClass}>
              {providerId} account
              <select
                className={inputClass}
                value={step.accounts?.[providerId] ?? ""}
                onChange={(event) => {
                  const accounts = { ...(step.accounts ?? {}) };
                  if (event.target.value) accounts[providerId] = event.target.value;
                  else delete accounts[providerId];
                  change({ ...step, accounts: Object.keys(accounts).length ? accounts : undefined });
                }}
              >
                <option value="">Mine, else a shared one</option>
                {options.connections
                  .filter((connection) => connection.providerId === providerId)
                  .map((connection) => (
                    <option key={connection.id} value={connection.id}>
                      {connection.label}
                    </option>
                  ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {step.kind === "workflow" && (
        <label className={labelClass}>
          Workflow
          <select
            className={inputClass}
            aria-label={`Step ${index + 1} workflow`}
            value={step.workflowId}
            onChange={(event) => change({ ...step, workflowId: event.target.value })}
          >
            {options.workflows.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {step.kind === "forward" && (
        <label className={labelClass}>
          URL
          <input className={inputClass} value={step.url} onChange={(event) => change({ ...step, url: event.target.value })} />
        </label>
      )}
      {step.kind === "condition" && (
        <label className={labelClass}>
          When false
          <select
            className={inputClass}
            value={step.otherwise}
            onChange={(event) => change({ ...step, otherwise: event.target.value as "stop" | "skip-next" })}
          >
            <option value="stop">stop the run here</option>
            <option value="skip-next">skip the next step</option>
          </select>
        </label>
      )}
      {step.kind === "agent" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={labelClass}>
            Tools it may use (comma-separated ids)
            <input
              className={inputClass}
              value={step.tools.join(", ")}
              onChange={(event) =>
                change({
                  ...step,
                  tools: event.target.value
                    .split(",")
                    .map((id) => id.trim())
                    .filter(Boolean),
                })
              }
            />
          </label>
          <label className={labelClass}>
            Writes approved for this automation
            <input
              className={inputClass}
              value={step.approvedTools.join(", ")}
              onChange={(event) =>
                change({
                  ...step,
                  approvedTools: event.target.value
                    .split(",")
                    .map((id) => id.trim())
                    .filter(Boolean),
                })
              }
            />
          </label>
        </div>
      )}
      <label className={labelClass}>
        {step.kind === "condition"
          ? "Condition (JSONata)"
          : step.kind === "agent"
            ? "Prompt (JSONata)"
            : step.kind === "forward"
              ? "Body (JSONata; empty: the payload)"
              : "Input (JSONata)"}
        <textarea
          className={areaClass}
          aria-label={`Step ${index + 1} ${step.kind === "condition" ? "condition" : step.kind === "agent" ? "prompt" : step.kind === "forward" ? "body" : "input"}`}
          rows={step.kind === "condition" ? 2 : 5}
          value={stepExpression(step) ?? ""}
          onChange={(event) => {
            const value = event.target.value;
            // A forward's empty body is no body: the payload is sent as it came.
            change({ ...step, [stepExpressionField(step)]: step.kind === "forward" ? value || undefined : value } as AutomationStep);
          }}
        />
      </label>
      <div role="region" aria-label={`Mapped input of step ${index + 1}`} aria-live="polite">
        {preview?.error ? (
          <Alert>{preview.error}</Alert>
        ) : preview ? (
          <>
            <p className="text-xs font-medium text-zinc-600 dark:text-zinc-400">With the sample:</p>
            <JsonBlock value={preview.input} />
            {preview.problems?.map((problem) => (
              <Alert key={problem}>Does not fit: {problem}</Alert>
            ))}
          </>
        ) : null}
      </div>
    </li>
  );
}
