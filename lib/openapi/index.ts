// The face of lib/openapi/: what other areas of lib/ use (docs/architecture.md).
export type { FormSchema } from "./json-schema";
export { withoutOptionalDefaults } from "./json-schema";
export { buildRequest } from "./request";
export { credentialForSpec, findOperation, listEnabledOperations } from "./store";
export type { ImportedOperation } from "./store";
