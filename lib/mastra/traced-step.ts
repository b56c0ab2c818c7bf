import { inSpan, TraceAttributes } from "@/lib/platform";

type AnyStep = { id: string; execute: (...args: never[]) => Promise<unknown> };

/**
 * Gives a workflow step a span of its own for each execution (OpenTelemetry, when tracing is on):
 * the step's id and the run's id as attributes, never its input or output; the outbound calls the
 * step makes are its children. Returns the same step, its execute wrapped.
 */
export function traceStep<S extends AnyStep>(step: S): S {
  const execute = step.execute;
  const traced = (...args: Parameters<S["execute"]>) => {
    const runId = (args[0] as { runId?: unknown } | undefined)?.runId;
    const attributes = { [TraceAttributes.stepId]: step.id, ...(typeof runId === "string" ? { [TraceAttributes.runId]: runId } : {}) };
    return inSpan(`workflow step ${step.id}`, { attributes }, () => execute(...args));
  };
  step.execute = traced as S["execute"];
  return step;
}
