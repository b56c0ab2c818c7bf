import Link from "next/link";
import { Card } from "@/app/_components/ui";
import type { Attention } from "@/lib/webhooks/attention";

const steps: { key: keyof Attention["started"]; title: string; how: string; href: string; action: string }[] = [
  {
    key: "connection",
    title: "Connect a service",
    how: "Connect GitHub, Slack, Linear or another service, so tools and workflows can act for you.",
    href: "/connections",
    action: "Open Connections",
  },
  {
    key: "delivery",
    title: "Receive a webhook",
    how: "Create an endpoint (or register a GitHub hook) and send it an event; every delivery shows up in the log.",
    href: "/webhooks",
    action: "Open Webhooks",
  },
  {
    key: "run",
    title: "Run a tool or a workflow",
    how: "Run one by hand from the catalog, or let a delivery start a workflow.",
    href: "/catalog",
    action: "Open the catalog",
  },
];

/** The overview's first steps, shown until the workspace has a connection, a delivery and a run. */
export function GettingStarted({ started }: { started: Attention["started"] }) {
  const done = steps.filter((step) => started[step.key]).length;
  return (
    <Card className="mb-6">
      <h2 className="font-semibold">Getting started</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        {done} of {steps.length} done.
      </p>
      <ol className="space-y-3" aria-label="Getting started">
        {steps.map((step) => {
          const finished = started[step.key];
          return (
            <li key={step.key} className="flex items-start gap-3 text-sm" data-done={finished ? "yes" : "no"}>
              <span
                aria-hidden
                className={`mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${finished ? "bg-emerald-600 text-white" : "border border-zinc-400 text-zinc-600 dark:text-zinc-300"}`}
              >
                {finished ? "✓" : steps.indexOf(step) + 1}
              </span>
              <div className="min-w-0 flex-1">
                <p className={`font-medium ${finished ? "text-zinc-600 line-through dark:text-zinc-400" : ""}`}>
                  {step.title}
                  <span className="sr-only">{finished ? " (done)" : " (to do)"}</span>
                </p>
                {!finished && (
                  <p className="text-zinc-600 dark:text-zinc-400">
                    {step.how}{" "}
                    <Link href={step.href} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {step.action}
                    </Link>
                  </p>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
