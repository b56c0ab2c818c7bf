// The face of lib/platform/: what other areas of lib/ use (docs/architecture.md).
export { startBackgroundLoop } from "./background-loop";
export type { BackgroundLoop } from "./background-loop";
export { env, EnvError, httpUrlError, readVariable } from "./env";
export type { Env } from "./env";
export { log } from "./log";
export { retryDelayMs } from "./retry-schedule";
export { safeReturnPath } from "./safe-redirect";
