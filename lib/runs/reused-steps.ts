/**
 * Whether a step of a run was reused from the earlier run it re-ran (rerunFromFailedStep copies the
 * steps before the failed one, with their recorded times): it did not run in this run, and the run
 * page marks it so. A step that ran in this run started at or after the run itself.
 */
export function isReusedStep(run: { resumedFromRunId: string | null; startedAt: number }, step: { status: string; startedAt: number | null }): boolean {
  return run.resumedFromRunId !== null && step.status === "success" && step.startedAt !== null && step.startedAt < run.startedAt;
}
