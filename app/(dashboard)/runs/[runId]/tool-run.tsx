import Link from "next/link";
import { JsonTree } from "@/app/_components/json-tree";
import { Badge } from "@/app/_components/provider-logo";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import type { ToolRunRow } from "@/lib/runs/tool-runs";
import { getProvider } from "@/lib/providers";
import { formatTime } from "../../webhooks/status";

const tone = { running: "amber", succeeded: "green", failed: "red" } as const;

/** One tool run: what went in, what came out, how long it took, as whom, and what started it. */
export function ToolRunView({ run, startedBy }: { run: ToolRunRow; startedBy: string }) {
  return (
    <>
      <BackLink href="/runs">All runs</BackLink>
      <PageHeader
        title={`Run of ${run.toolId}`}
        actions={
          <Link
            href={`/tools/${run.toolId}?from=${run.id}`}
            className="rounded-md border border-zinc-300 px-3.5 py-2 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Run again with this input
          </Link>
        }
      />
      <Card className="mb-4">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="tool-run-summary">
          <dt className="text-zinc-500">Status</dt>
          <dd>
            <Badge tone={tone[run.status]}>{run.status}</Badge>
          </dd>
          <dt className="text-zinc-500">Started</dt>
          <dd>{formatTime(run.startedAt)}</dd>
          <dt className="text-zinc-500">Started by</dt>
          <dd data-testid="run-started-by">{startedBy}</dd>
          <dt className="text-zinc-500">Duration</dt>
          <dd>{run.durationMs === null ? "still running" : `${run.durationMs} ms`}</dd>
          <dt className="text-zinc-500">Acted as</dt>
          <dd data-testid="run-accounts">
            {run.accounts.length === 0
              ? "no connected account"
              : run.accounts
                  .map((account) => `${getProvider(account.providerId)?.name ?? account.providerId}: ${account.label ?? account.connectionId}`)
                  .join(", ")}
          </dd>
          <dt className="text-zinc-500">Started by</dt>
          <dd>
            {run.deliveryId ? (
              <>
                you, with the payload of{" "}
                <Link href={`/webhooks/${run.deliveryId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  delivery #{run.deliveryId}
                </Link>
              </>
            ) : run.trigger === "agent" && run.conversationId ? (
              <Link href={`/agent?c=${run.conversationId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                Started by the agent in a conversation
              </Link>
            ) : run.trigger === "mcp" ? (
              `an MCP client, with the token "${run.mcpTokenName ?? "unnamed"}"`
            ) : run.trigger === "manual" ? (
              "you, from the runner"
            ) : (
              run.trigger
            )}
          </dd>
        </dl>
      </Card>
      {run.error && (
        <div className="mb-4">
          <Alert>{run.error}</Alert>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card className="min-w-0">
          <h2 className="mb-2 font-semibold">Input</h2>
          <JsonTree text={JSON.stringify(run.input ?? null)} label="input" openDepth={3} testId="run-input" />
        </Card>
        <Card className="min-w-0">
          <h2 className="mb-2 font-semibold">Output</h2>
          <JsonTree text={JSON.stringify(run.output ?? null)} label="output" openDepth={4} testId="run-output" />
        </Card>
      </div>
    </>
  );
}
