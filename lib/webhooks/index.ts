// The face of lib/webhooks/: what other areas of lib/ use (docs/architecture.md).
export { startDispatcher } from "./dispatcher";
export { startWorkflowForDelivery } from "./webhook-trigger";
export { startChartRollup } from "./chart";
