"use client";

import { useActionState, useEffect, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { AutomationStep, StepKind } from "@/lib/automations/definition";
import { saveAutomationAction, type SaveState } from "./actions";
import { areaClass, type AutomationFile, type EditorOptions, labelClass, type StepPreview } from "./editor-shared";
import { StepFields } from "./step-fields";
import { TriggerFields } from "./trigger-fields";

export type { EditorOptions } from "./editor-shared";

type Preview = { filter?: { passes: boolean } | { error: string }; steps?: StepPreview[]; problems?: string; error?: { message: string } };

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

/** The automation editor: trigger and steps as a form (or its JSON), with each mapping shown for a real sample as you type. */
export function AutomationEditor({ initial, automationId, options }: { initial: AutomationFile; automationId?: string; options: EditorOptions }) {
  const [file, setFile] = useState<AutomationFile>(initial);
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
        setFile(JSON.parse(jsonText) as AutomationFile);
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
