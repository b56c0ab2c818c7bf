// The face of lib/runs/: what other areas of lib/ use (docs/architecture.md).
export { superviseRuns } from "./interrupted-runs";
export { failureText, isFailure, runCatalogTool } from "./tool-runs";
export { forHistory } from "./run-history";
export { announceRun } from "./run-events";
export { recordProgress } from "./run-writes";
export type { ToolRunRow, ToolRunTrigger } from "./tool-runs";
export { getWorkflowRun, rerunFromFailedStep, RunInputError, startWorkflowRun } from "./workflow-runs";
export type { RunTrigger, WorkflowRunRow } from "./workflow-runs";
export type { RunFilters, RunListItem } from "./runs";
export { MissingConnectionsError, missingServices } from "./workflow-readiness";
export type { MissingService } from "./workflow-readiness";
