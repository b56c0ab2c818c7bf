import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { toolSummaries, type ToolSummary } from "@/lib/mastra/catalog";

export const metadata: Metadata = { title: "Tools" };

export default async function ToolsPage() {
  const user = await requireUser();
  const groups = new Map<string, ToolSummary[]>();
  for (const tool of toolSummaries(user.id)) groups.set(tool.group, [...(groups.get(tool.group) ?? []), tool]);
  return (
    <>
      <PageHeader title="Tools" description="Mastra tools that act on your connected services as you. Open one to run it from a form built from its input schema." />
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
      </div>
    </>
  );
}
