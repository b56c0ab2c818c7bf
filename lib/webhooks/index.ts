// The face of lib/webhooks/: what other areas of lib/ use (docs/architecture.md).
export { startDispatcher } from "./dispatcher";
export { PermanentDeliveryError, setWorkflowStarter } from "./handlers";
export { deliveryPayload } from "./payload";
export { getDelivery } from "./queries";
export { readBodyCapped } from "./read-body";
