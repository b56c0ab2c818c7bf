// The face of lib/auth/: what other areas of lib/ use (docs/architecture.md).
export { authenticateToken, createAccessToken } from "./access-tokens";
export type { TokenIdentity } from "./access-tokens";
export { addressBucket, CLIENT_ADDRESS_HEADER } from "./client-address";
export { hasSecondFactor } from "./second-factor";
export { sweepExpiredSignInLinks } from "./expired-links";
