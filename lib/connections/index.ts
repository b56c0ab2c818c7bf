// The face of lib/connections/: what other areas of lib/ use (docs/architecture.md).
export { resolveApiKey } from "./api-keys";
export { apiDependsOnConnection, credentialFor, providerApiBase, providerApiOrigin, readiness } from "./credentials";
export { ConnectionError } from "./errors";
export { briefStatus, providerCards } from "./overview";
export { credentialPlacement, readPath } from "./provider-request";
export { inConnectionScope, withinWorkspace } from "./run-scope";
export type { UsedConnection } from "./run-scope";
export { findConnection, listConnectionsFor } from "./store";
export { getAccessToken } from "./tokens";
export { listSharedConnections } from "./store";
