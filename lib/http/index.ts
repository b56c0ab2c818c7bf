// The face of lib/http/: what other areas of lib/ use (docs/architecture.md).
export { fetchThrough, HttpError, httpRequest, httpRequestBytes } from "./client";
export type { HttpResponse } from "./client";
export { attachCredential, boundCredential, isCredentialField } from "./credential";
export type { BoundCredential, CredentialPlacement } from "./credential";
export { cappedBytes, declaredTooLarge, readCapped, readLimited, ResponseTooLargeError } from "./limited-body";
export type { CapOptions, CappedBody } from "./limited-body";
export { isMethodOverrideHeader, METHOD_OVERRIDE_REFUSAL } from "./method-override";
export { assertUrlAllowed, BlockedRequestError } from "./ssrf";
