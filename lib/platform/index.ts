// The face of lib/platform/: what other areas of lib/ use (docs/architecture.md).
export { startBackgroundLoop } from "./background-loop";
export type { BackgroundLoop } from "./background-loop";
export { env, EnvError, httpUrlError, readVariable } from "./env";
export type { Env } from "./env";
export { log } from "./log";
export {
  bearerMatches,
  metricsText,
  observeIntake,
  recordDeliveryAttempt,
  recordDeliveryReceived,
  recordDeliveryRefused,
  recordOutboundCall,
  recordRun,
  recordTokenRefresh,
  setQueueState,
} from "./metrics";
export {
  contextFromTraceparent,
  currentTraceparent,
  flushTraces,
  inSpan,
  openSpan,
  SpanKind,
  SpanStatusCode,
  startTracing,
  stopTracing,
  TraceAttributes,
  tracingConfigured,
} from "./tracing";
export type { Span } from "./tracing";
export { describeIssues, fieldErrors, formatIssues } from "./issues";
export { perTurn } from "./per-turn";
export { keptBriefly, type KeptBriefly } from "./kept-briefly";
export { processState } from "./process-state";
export { safeReturnPath } from "./safe-redirect";
export { ApiError, errorResponse, statusOf } from "./errors";
export type { ErrorBody, ErrorCode } from "./errors";
export type { Issue } from "./issues";
export type { Actor } from "./actor";
