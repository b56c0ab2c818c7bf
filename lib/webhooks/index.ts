// The face of lib/webhooks/: what other areas of lib/ use (docs/architecture.md).
export { startDispatcher } from "./dispatcher";
export { readDeliveryForAutomations } from "./webhook-trigger";
export { startChartRollup } from "./chart";
