// The face of lib/mcp/: what other areas of lib/ use (docs/architecture.md).
export { sweepUnusedClients } from "./auth/clients";
