// The face of lib/catalog/: what other areas of lib/ use (docs/architecture.md).
export { findReadyTool, listReadyTools, resolveToolName } from "./exposure";
export type { ExposedTool } from "./exposure";
