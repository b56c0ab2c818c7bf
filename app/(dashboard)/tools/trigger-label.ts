import type { ToolRunRow } from "@/lib/runs/tool-runs";

/** How a run in the history came about: by hand, for the agent, or for an MCP client named by its token. */
export function triggerLabel(run: Pick<ToolRunRow, "trigger" | "mcpTokenName">): string {
  if (run.trigger === "mcp") return `via MCP (${run.mcpTokenName ?? "unnamed token"})`;
  if (run.trigger === "agent") return "via the agent";
  return "by hand";
}
