import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Alert, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { toolSummaries, type ToolSummary } from "@/lib/catalog/catalog";
import { listEnabledOperationSummaries, listSpecs } from "@/lib/openapi/store";
import { OperationList } from "./operation-list";

export const metadata: Metadata = { title: "Tools" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ToolsPage({ searchParams }: Props) {
  const user = await requireUser();
  const groups = new Map<string, ToolSummary[]>();
  for (const tool of await toolSummaries(user)) groups.set(tool.group, [...(groups.get(tool.group) ?? []), tool]);
  const apis = await listSpecs(user.workspaceId);
  const enabledOperations = new Map(
    await Promise.all(apis.map(async (api) => [api.id, await listEnabledOperationSummaries(user.workspaceId, api.id)] as const)),
  );
  const deleted = (await searchParams).deleted === "1";
  return (
    <>
      <PageHeader
        title="Tools"
        description="Mastra tools that act on your connected services as you. Open one to run it from a form built from its input schema."
        actions={
          <Link href="/tools/import" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
            Import an OpenAPI description
          </Link>
        }
      />
      {deleted && (
        <div className="mb-4">
          <Alert tone="success">The API and its tools were deleted.</Alert>
        </div>
      )}
      <div className="space-y-6">
        {[...groups].map(([group, tools]) => (
          <section key={group} aria-labelledby={`group-${group}`}>
            <h2 id={`group-${group}`} className="mb-2 text-sm font-semibold uppercase tracking-wide text-zinc-500">
              {group}
            </h2>
            <div className="grid gap-3 md:grid-cols-2">
              {tools.map((tool) => (
                <Card key={tool.id}>
                  <div className="flex items-start justify-between gap-3">
                    <div>
                      <Link href={`/tools/${tool.id}`} className="font-mono text-sm font-semibold text-indigo-600 hover:underline dark:text-indigo-400">
                        {tool.id}
                      </Link>
                      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{tool.description}</p>
                    </div>
                    {tool.ready ? <Badge tone="green">Ready</Badge> : <Badge tone="amber">Not ready</Badge>}
                  </div>
                  {!tool.ready && (
                    <p className="mt-2 text-sm">
                      <Link href="/connections" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                        {tool.reason}
                      </Link>
                    </p>
                  )}
                </Card>
              ))}
            </div>
          </section>
        ))}
        {apis.map((api) => (
          <section key={api.id} aria-labelledby={`api-${api.id}`}>
            <div className="mb-2 flex flex-wrap items-baseline gap-3">
              <h2 id={`api-${api.id}`} className="text-sm font-semibold uppercase tracking-wide text-zinc-500">
                {api.title}
              </h2>
              <span className="text-xs text-zinc-500">
                imported OpenAPI · {api.operationCount} operations · {api.serverUrl}
              </span>
              <Link href={`/tools/apis/${api.id}`} className="text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                Settings
              </Link>
            </div>
            <Card>
              <OperationList label={api.title} operations={enabledOperations.get(api.id) ?? []} />
            </Card>
          </section>
        ))}
      </div>
    </>
  );
}
