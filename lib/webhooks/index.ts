// The face of lib/webhooks/: what other areas of lib/ use (docs/architecture.md).
export { startDispatcher } from "./dispatcher";
export { readBodyCapped } from "./read-body";
export { connectWebhooksToWorkflows } from "./webhook-trigger";
