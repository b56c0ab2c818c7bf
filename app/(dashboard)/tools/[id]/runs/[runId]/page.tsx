import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonTree } from "@/app/_components/json-tree";
import { Badge } from "@/app/_components/provider-logo";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { getToolRun } from "@/lib/mastra/tool-runs";
import { formatTime } from "../../../../webhooks/status";

export const metadata: Metadata = { title: "Tool run" };

const statusTone = { running: "amber", succeeded: "green", failed: "red" } as const;

/** One run of a tool: who started it and why (by hand, an agent conversation, an MCP client), its input and output. */
export default async function ToolRunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const user = await requireUser();
  const { id, runId } = await params;
  const run = getToolRun(user.id, runId);
  if (!run || run.toolId !== id) notFound();
  return (
    <>
      <BackLink href={`/tools/${run.toolId}`}>{run.toolId}</BackLink>
      <PageHeader title={`Run of ${run.toolId}`} description={`Started ${formatTime(run.startedAt)}${run.durationMs !== null ? ` · ${run.durationMs} ms` : ""}`} />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm" data-testid="run-status">
        <Badge tone={statusTone[run.status]}>{run.status}</Badge>
        <span>
          {run.trigger === "agent" && run.conversationId ? (
            <Link href={`/agent?c=${run.conversationId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
              Started by the agent in a conversation
            </Link>
          ) : run.trigger === "mcp" ? (
            `Started over MCP${run.mcpTokenName ? ` with the token "${run.mcpTokenName}"` : ""}`
          ) : (
            `Started ${run.trigger === "manual" ? "by hand" : `by ${run.trigger}`}`
          )}
        </span>
        <Link href={`/tools/${run.toolId}?from=${run.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
          Run again with this input
        </Link>
      </div>
      {run.error && <Alert>{run.error}</Alert>}
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="mb-2 font-semibold">Input</h2>
          <JsonTree text={JSON.stringify(run.input ?? null)} label="input" openDepth={3} testId="run-input" />
        </Card>
        <Card>
          <h2 className="mb-2 font-semibold">Output</h2>
          <JsonTree text={JSON.stringify(run.output ?? null)} label="output" openDepth={3} testId="run-output" />
        </Card>
      </div>
    </>
  );
}
