// The face of lib/automations/: what other areas of lib/ use (docs/architecture.md).
export { setAgentStepRunner } from "./agent-step";
export type { AgentStepAnswer, AgentStepRequest, AgentStepRunner } from "./agent-step";
export { failDeliveryRuns, runAutomationsForDelivery, setDeliveryReader } from "./runs";
export { startAutomationRun, startAutomationWorker } from "./queued-runs";
export { listAutomationRuns } from "./run-queries";
export type { DeliveryReader, DeliveryRunsOutcome, DeliveryScope } from "./runs";
export { startScheduler } from "./scheduler";
export { listAutomations, requireAutomation } from "./store";
export type { Automation, AutomationSummary } from "./store";
export { checkAutomation, previewAutomation } from "./check";
export type { Preview, Problem } from "./check";
export { automationCatalogTools } from "./exposed";
