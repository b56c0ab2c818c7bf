"use client";

import { useActionState, useEffect, useMemo, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { AutomationDefinition, AutomationStep, StepKind } from "@/lib/automations/definition";
import { cronProblem, upcomingTimes } from "@/lib/automations/schedule-time";
import { saveAutomationAction, type SaveState } from "./actions";

export type EditorOptions = {
  /** When the page was made: the schedule's next times are counted from it. */
  now: number;
  sources: { id: string; name: string }[];
  endpoints: { id: string; providerId: string; label: string }[];
  tools: { id: string; name: string; providers: string[] }[];
  workflows: { id: string; name: string }[];
  connections: { id: string; providerId: string; label: string }[];
  samples: { id: number; providerId: string; event: string | null; action: string | null; receivedAt: number }[];
};

type File = { name: string; definition: AutomationDefinition };
type StepPreview = { key: string; input?: unknown; error?: string; problems?: string[] };
type Preview = { filter?: { passes: boolean } | { error: string }; steps?: StepPreview[]; problems?: string; error?: { message: string } };

const labelClass = "block text-sm font-medium";
const areaClass = `${inputClass} font-mono text-xs`;

function newStep(kind: StepKind, index: number, options: EditorOptions): AutomationStep {
  const key = `${kind}_${index + 1}`;
  switch (kind) {
    case "tool":
      return { key, kind, toolId: options.tools[0]?.id ?? "", input: "{}" };
    case "workflow":
      return { key, kind, workflowId: options.workflows[0]?.id ?? "", input: "payload" };
    case "forward":
      return { key, kind, url: "https://example.com/hook" };
    case "condition":
      return { key, kind, when: "true", otherwise: "stop" };
    case "agent":
      return { key, kind, prompt: '"Summarise: " & $string(payload)', tools: [], approvedTools: [] };
  }
}

function JsonBlock({ value }: { value: unknown }) {
  return (
    <pre className="max-h-64 overflow-auto rounded bg-zinc-100 p-2 text-xs text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100" tabIndex={0}>
      {value === undefined ? "(nothing: the expression gives no value)" : JSON.stringify(value, null, 2)}
    </pre>
  );
}

function TriggerFields({ file, setFile, options }: { file: File; setFile: (file: File) => void; options: EditorOptions }) {
  const trigger = file.definition.trigger;
  const setTrigger = (next: AutomationDefinition["trigger"]) => setFile({ ...file, definition: { ...file.definition, trigger: next } });
  const upcoming = useMemo(() => {
    if (trigger.kind !== "schedule") return { problem: undefined, times: [] as number[] };
    const problem = cronProblem(trigger.cron, trigger.timezone);
    return { problem, times: problem ? [] : upcomingTimes(trigger, options.now) };
  }, [trigger, options.now]);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-base font-semibold">When</legend>
      <label className={labelClass}>
        Trigger
        <select
          className={inputClass}
          aria-label="Trigger"
          value={trigger.kind}
          onChange={(event) => {
            const kind = event.target.value;
            if (kind === "delivery") setTrigger({ kind, providerId: options.sources[0]?.id ?? "github" });
            if (kind === "schedule") setTrigger({ kind, cron: "0 9 * * 1-5", timezone: "UTC" });
            if (kind === "manual") setTrigger({ kind, fields: [] });
          }}
        >
          <option value="delivery">A verified webhook delivery</option>
          <option value="schedule">A schedule</option>
          <option value="manual">By hand</option>
        </select>
      </label>
      {trigger.kind === "delivery" && (
        <>
          <div className="grid gap-3 sm:grid-cols-3">
            <label className={labelClass}>
              Source
              <select
                className={inputClass}
                value={trigger.providerId}
                onChange={(event) => setTrigger({ ...trigger, providerId: event.target.value, endpointId: undefined })}
              >
                {options.sources.map((source) => (
                  <option key={source.id} value={source.id}>
                    {source.name}
                  </option>
                ))}
              </select>
            </label>
            <label className={labelClass}>
              Endpoint
              <select
                className={inputClass}
                value={trigger.endpointId ?? ""}
                onChange={(event) => setTrigger({ ...trigger, endpointId: event.target.value || undefined })}
              >
                <option value="">Any (instance URL and every endpoint)</option>
                {options.endpoints
                  .filter((endpoint) => endpoint.providerId === trigger.providerId)
                  .map((endpoint) => (
                    <option key={endpoint.id} value={endpoint.id}>
                      {endpoint.label}
                    </option>
                  ))}
              </select>
            </label>
            <label className={labelClass}>
              Event
              <input
                className={inputClass}
                value={trigger.event ?? ""}
                placeholder="any (or push, issues.labeled)"
                onChange={(event) => setTrigger({ ...trigger, event: event.target.value || undefined })}
              />
            </label>
          </div>
          <label className={labelClass}>
            Filter (JSONata; runs only when true)
            <textarea
              className={areaClass}
              rows={2}
              value={trigger.filter ?? ""}
              placeholder='e.g. payload.label.name = "bug"'
              onChange={(event) => setTrigger({ ...trigger, filter: event.target.value || undefined })}
            />
          </label>
        </>
      )}
      {trigger.kind === "schedule" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={labelClass}>
            Cron (minute hour day month weekday)
            <input className={inputClass} value={trigger.cron} onChange={(event) => setTrigger({ ...trigger, cron: event.target.value })} />
          </label>
          <label className={labelClass}>
            Time zone
            <input className={inputClass} value={trigger.timezone} onChange={(event) => setTrigger({ ...trigger, timezone: event.target.value })} />
          </label>
          <p className="text-sm text-zinc-600 sm:col-span-2 dark:text-zinc-400" data-testid="schedule-next">
            {upcoming.problem ?? `Next: ${upcoming.times.map((time) => new Date(time).toISOString().replace("T", " ").slice(0, 16) + " UTC").join(", ")}`}
          </p>
        </div>
      )}
      {trigger.kind === "manual" && (
        <label className={labelClass}>
          Input fields (one per line: name, or name:number / name:boolean, a trailing ! when required)
          <textarea
            className={areaClass}
            rows={3}
            value={trigger.fields.map((field) => `${field.name}${field.type === "string" ? "" : `:${field.type}`}${field.required ? "!" : ""}`).join("\n")}
            onChange={(event) =>
              setTrigger({
                ...trigger,
                fields: event.target.value
                  .split("\n")
                  .map((line) => line.trim())
                  .filter(Boolean)
                  .map((line) => {
                    const required = line.endsWith("!");
                    const [name, type] = line.replace(/!$/, "").split(":");
                    return { name: name ?? "", type: type === "number" || type === "boolean" ? type : "string", required };
                  }),
              })
            }
          />
        </label>
      )}
    </fieldset>
  );
}

function StepFields({
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
          value={(step.kind === "condition" ? step.when : step.kind === "agent" ? step.prompt : step.kind === "forward" ? step.body : step.input) ?? ""}
          onChange={(event) => {
            const value = event.target.value;
            if (step.kind === "condition") change({ ...step, when: value });
            else if (step.kind === "agent") change({ ...step, prompt: value });
            else if (step.kind === "forward") change({ ...step, body: value || undefined });
            else change({ ...step, input: value });
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

/** The automation editor: trigger and steps as a form (or its JSON), with each mapping shown for a real sample as you type. */
export function AutomationEditor({ initial, automationId, options }: { initial: File; automationId?: string; options: EditorOptions }) {
  const [file, setFile] = useState<File>(initial);
  const [tab, setTab] = useState<"form" | "json">("form");
  const [jsonText, setJsonText] = useState(() => JSON.stringify(initial, null, 2));
  const [jsonError, setJsonError] = useState<string>();
  const [sample, setSample] = useState<string>(options.samples[0] ? `delivery:${options.samples[0].id}` : "");
  const [manualInput, setManualInput] = useState("{}");
  const [preview, setPreview] = useState<Preview>();
  const [state, formAction, pending] = useActionState<SaveState, FormData>(saveAutomationAction, undefined);
  const [newKind, setNewKind] = useState<StepKind>("tool");

  const steps = file.definition.steps;
  const setSteps = (next: AutomationStep[]) => setFile({ ...file, definition: { ...file.definition, steps: next } });

  useEffect(() => {
    const timer = setTimeout(async () => {
      let sampleBody: Record<string, unknown> = {};
      if (sample.startsWith("delivery:")) sampleBody = { deliveryId: Number(sample.slice("delivery:".length)) };
      else if (sample === "input") {
        try {
          sampleBody = { input: JSON.parse(manualInput) };
        } catch {
          setPreview({ problems: "The sample input is not valid JSON." });
          return;
        }
      }
      const response = await fetch("/api/automations/preview", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ definition: file.definition, automationId, sample: sampleBody }),
      }).catch(() => undefined);
      if (!response) return;
      setPreview((await response.json().catch(() => undefined)) as Preview | undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [file.definition, sample, manualInput, automationId]);

  const switchTab = (next: "form" | "json") => {
    if (next === "json") setJsonText(JSON.stringify(file, null, 2));
    if (next === "form") {
      try {
        setFile(JSON.parse(jsonText) as File);
        setJsonError(undefined);
      } catch (error) {
        setJsonError(`Not valid JSON: ${(error as Error).message}`);
        return;
      }
    }
    setTab(next);
  };
  const submitted = tab === "json" ? jsonText : JSON.stringify(file);

  return (
    <form action={formAction} className="space-y-6">
      <input type="hidden" name="automation" value={submitted} />
      {automationId && <input type="hidden" name="id" value={automationId} />}
      <label className={labelClass}>
        Name
        <input className={inputClass} value={file.name} onChange={(event) => setFile({ ...file, name: event.target.value })} required />
      </label>
      <div role="tablist" aria-label="Edit as" className="flex gap-2">
        <Button type="button" role="tab" aria-selected={tab === "form"} variant={tab === "form" ? "primary" : "secondary"} onClick={() => switchTab("form")}>
          Form
        </Button>
        <Button type="button" role="tab" aria-selected={tab === "json"} variant={tab === "json" ? "primary" : "secondary"} onClick={() => switchTab("json")}>
          JSON
        </Button>
      </div>
      {jsonError && <Alert>{jsonError}</Alert>}
      {tab === "json" ? (
        <label className={labelClass}>
          Automation JSON (what Export gives and Import takes)
          <textarea className={areaClass} rows={24} value={jsonText} onChange={(event) => setJsonText(event.target.value)} />
        </label>
      ) : (
        <>
          <TriggerFields file={file} setFile={setFile} options={options} />
          <fieldset className="space-y-3">
            <legend className="mb-2 text-base font-semibold">Sample to preview with</legend>
            <select className={inputClass} aria-label="Sample" value={sample} onChange={(event) => setSample(event.target.value)}>
              <option value="">Nothing (an empty scope)</option>
              <option value="input">A manual input…</option>
              {options.samples.map((delivery) => (
                <option key={delivery.id} value={`delivery:${delivery.id}`}>
                  Delivery #{delivery.id} · {delivery.providerId} {[delivery.event, delivery.action].filter(Boolean).join(".")} ·{" "}
                  {new Date(delivery.receivedAt).toISOString().slice(0, 16).replace("T", " ")}
                </option>
              ))}
            </select>
            {sample === "input" && (
              <textarea className={areaClass} rows={3} aria-label="Sample input" value={manualInput} onChange={(event) => setManualInput(event.target.value)} />
            )}
            {preview?.problems && <Alert>{preview.problems}</Alert>}
            {preview?.error && <Alert>{preview.error.message}</Alert>}
            {preview?.filter && (
              <p className="text-sm" data-testid="filter-preview">
                {"error" in preview.filter
                  ? preview.filter.error
                  : preview.filter.passes
                    ? "The filter passes for this sample: it would run."
                    : "The filter does not pass for this sample: it would not run."}
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend className="mb-2 text-base font-semibold">Then</legend>
            <ol className="space-y-3">
              {steps.map((step, index) => (
                <StepFields
                  key={index}
                  step={step}
                  index={index}
                  count={steps.length}
                  options={options}
                  preview={preview?.steps?.[index]}
                  change={(next) => setSteps(steps.map((candidate, position) => (position === index ? next : candidate)))}
                  move={(by) => {
                    const next = [...steps];
                    const [moved] = next.splice(index, 1);
                    next.splice(index + by, 0, moved!);
                    setSteps(next);
                  }}
                  remove={() => setSteps(steps.filter((_, position) => position !== index))}
                />
              ))}
            </ol>
            <div className="mt-3 flex items-end gap-2">
              <label className={labelClass}>
                New step
                <select className={inputClass} aria-label="New step" value={newKind} onChange={(event) => setNewKind(event.target.value as StepKind)}>
                  <option value="tool">Run a tool</option>
                  <option value="workflow">Run a workflow</option>
                  <option value="agent">Ask the agent</option>
                  <option value="forward">Forward to a URL</option>
                  <option value="condition">Condition</option>
                </select>
              </label>
              <Button type="button" variant="secondary" onClick={() => setSteps([...steps, newStep(newKind, steps.length, options)])}>
                Add step
              </Button>
            </div>
          </fieldset>
        </>
      )}
      {!automationId && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enable" /> Enable it now (otherwise try it first, then enable)
        </label>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {state?.error && (
        <Alert>
          {state.error}
          {state.problems && (
            <ul className="mt-1 list-disc pl-5" aria-label="Problems">
              {state.problems.map((problem) => (
                <li key={`${problem.path}:${problem.message}`}>
                  <span className="font-mono">{problem.path}</span>: {problem.message}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
    </form>
  );
}
