import { inSpan, TraceAttributes } from "@/lib/platform";

type AnyStep = { id: string; execute: (...args: never[]) => Promise<unknown> };
type AnyWorkflow = { steps: Record<string, unknown> };

const TRACED = Symbol("patchbay.traced");

/**
 * Gives a workflow step a span of its own for each execution (OpenTelemetry, when tracing is on):
 * the step's id and the run's id as attributes, never its input or output; the outbound calls the
 * step makes are its children. Wraps the step's execute in place (once), so the workflow that holds
 * it runs the traced one.
 */
export function traceStep<S extends AnyStep>(step: S): S {
  const marked = step as S & { [TRACED]?: true };
  if (marked[TRACED]) return step;
  const execute = step.execute;
  const traced = (...args: Parameters<S["execute"]>) => {
    const runId = (args[0] as { runId?: unknown } | undefined)?.runId;
    const attributes = { [TraceAttributes.stepId]: step.id, ...(typeof runId === "string" ? { [TraceAttributes.runId]: runId } : {}) };
    return inSpan(`workflow step ${step.id}`, { attributes }, () => execute(...args));
  };
  step.execute = traced as S["execute"];
  marked[TRACED] = true;
  return step;
}

/** Every step of a committed workflow traced (traceStep), the workflow returned. */
export function traceSteps<W extends AnyWorkflow>(workflow: W): W {
  for (const step of Object.values(workflow.steps)) {
    if (step && typeof step === "object" && typeof (step as AnyStep).execute === "function") traceStep(step as AnyStep);
  }
  return workflow;
}
