// The face of lib/outbox/: what other areas of lib/ use (docs/architecture.md).
export { checkEndpointFailing, issueCounts, openIssueCountOf, raiseAlert } from "./alerts";
export { enqueueForwards } from "./forwarding";
export { leaseDueMessages, OUTBOX_LEASE_MS, outboxWake, recordAttempt, RESPONSE_HEAD_CHARS } from "./queue";
export type { OutboundMessage, SendOutcome } from "./queue";
export { standardWebhookHeaders, unsealSigningSecret } from "./signing";
