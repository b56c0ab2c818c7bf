// The face of lib/runs/: what other areas of lib/ use (docs/architecture.md).
export { superviseRuns } from "./interrupted-runs";
export { runCatalogTool } from "./tool-runs";
export type { ToolRunRow, ToolRunTrigger } from "./tool-runs";
export { RunInputError, startWorkflowRun } from "./workflow-runs";
export { MissingConnectionsError, missingServices } from "./workflow-readiness";
export type { MissingService } from "./workflow-readiness";
