// The face of lib/tools/: what other areas of lib/ use (docs/architecture.md).
export { destinationHost, mayWrite, writesWith } from "./access";
export { builtInTools, findTool, findUserTool, toolInputSchema } from "./built-in";
export type { CatalogTool, ToolAccess } from "./built-in";
export { requestContextFor, userIdFrom, workspaceIdFrom } from "./context";
export { createLinearProject } from "./linear/create-project";
export { listImportedTools } from "./openapi/imported-tool";
export { toolReadiness } from "./readiness";
export type { ToolReadiness } from "./readiness";
export { createSlackChannel, postSlackMessage } from "./slack/tools";
