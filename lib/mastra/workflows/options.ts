import type { WorkflowOptions } from "@mastra/core/workflows";

/**
 * Every Patchbay workflow drops the request context from the snapshots Mastra persists: it holds
 * only the user id today, and nothing put there later (by a tool or a step) may reach storage.
 */
export const workflowOptions: WorkflowOptions = {
  pruneSnapshot: ({ snapshot }) => ({ ...snapshot, requestContext: {} }),
};
