// The face of lib/auth/: what other areas of lib/ use (docs/architecture.md).
export { authenticateToken, createAccessToken } from "./access-tokens";
export type { TokenIdentity } from "./access-tokens";
export { addressBucket, CLIENT_ADDRESS_HEADER } from "./client-address";
export { atLeast, DEFAULT_WORKSPACE_ID, workspaceOwnerId } from "./workspaces";
export type { WorkspaceRole } from "./workspaces";
export { membershipsOf, roleIn } from "./workspaces";
export { actorOf, audit, auditPerson } from "./audit";
export type { AuditAction } from "./audit";
export { hasSecondFactor } from "./second-factor";
export { sweepExpiredSignInLinks } from "./expired-links";
