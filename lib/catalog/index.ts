// The face of lib/catalog/: what other areas of lib/ use (docs/architecture.md).
export { listReadyTools } from "./exposure";
export type { ExposedTool } from "./exposure";
