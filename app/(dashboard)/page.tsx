import type { Metadata } from "next";
import Link from "next/link";
import { BrandLogo } from "@/app/_components/brand-logo";
import { Badge } from "@/app/_components/provider-logo";
import { Card, PageHeader } from "@/app/_components/ui";
import { attentionFor } from "@/lib/webhooks/attention";
import { requireUser } from "@/lib/auth/session";
import { currentTime } from "@/lib/platform/clock";
import { getProvider } from "@/lib/providers";
import { briefStatus, providerCards, type BriefStatus } from "@/lib/connections/overview";
import { OpenAlerts } from "./alerts/open-alerts";
import { GettingStarted } from "./getting-started";
import { webhooksHref } from "./webhooks/href";

const statusBadge: Record<BriefStatus, { tone: "green" | "amber" | "red" | "gray"; text: string }> = {
  connected: { tone: "green", text: "Connected" },
  instance_key: { tone: "green", text: "Instance key" },
  needs_reconnect: { tone: "amber", text: "Needs reconnect" },
  error: { tone: "red", text: "Error" },
  not_connected: { tone: "gray", text: "Not connected" },
  not_configured: { tone: "gray", text: "Not configured" },
};

export const metadata: Metadata = { title: "Overview" };

type Tone = "neutral" | "bad" | "warn";
const toneLook: Record<Tone, string> = {
  neutral: "",
  warn: "border-amber-300 dark:border-amber-800",
  bad: "border-red-300 dark:border-red-800",
};

/** One figure of the last 24 hours, linking to the view that lists what it counts. */
function Figure({ href, label, value, detail, tone }: { href: string; label: string; value: number; detail?: string; tone: Tone }) {
  return (
    <Link href={href} className="group rounded-lg focus-visible:outline-2" aria-label={`${label}: ${value}${detail ? `, ${detail}` : ""}`}>
      <Card className={`h-full transition group-hover:border-indigo-300 dark:group-hover:border-indigo-700 ${value > 0 ? toneLook[tone] : ""}`}>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{label}</p>
        <p
          className={`mt-1 text-3xl font-semibold tabular-nums ${value > 0 && tone === "bad" ? "text-red-700 dark:text-red-400" : value > 0 && tone === "warn" ? "text-amber-700 dark:text-amber-400" : ""}`}
        >
          {value}
        </p>
        {detail && <p className="mt-1 text-xs text-zinc-500">{detail}</p>}
      </Card>
    </Link>
  );
}

export default async function OverviewPage() {
  const user = await requireUser();
  const now = currentTime();
  const attention = await attentionFor(user, now);
  // Services nobody can use yet are the catalog's business, not the overview's.
  const cards = (await providerCards(user.id)).filter((card) => briefStatus(card) !== "not_configured");
  const { deliveries, runsFailed, connections, endpoints, issues, started } = attention;
  const runsFailedTotal = runsFailed.tools + runsFailed.workflows + runsFailed.automations;
  const allClear = deliveries.failed + deliveries.retrying + runsFailedTotal + connections.length + endpoints.length === 0;
  const newcomer = !(started.connection && started.delivery && started.run);

  return (
    <>
      <PageHeader title={`Welcome, ${user.name ?? user.email}`} description="What happened in the last 24 hours, and what needs you." />
      {newcomer && <GettingStarted started={started} />}
      <section aria-label="Last 24 hours" className="grid grid-cols-2 gap-3 lg:grid-cols-3">
        <Figure
          href={webhooksHref({ range: "24h" })}
          label="Deliveries (24 h)"
          value={deliveries.received}
          detail={deliveries.rejected ? `${deliveries.rejected} rejected` : undefined}
          tone="neutral"
        />
        <Figure href={webhooksHref({ range: "24h", status: "failed" })} label="Failed deliveries (24 h)" value={deliveries.failed} tone="bad" />
        <Figure href={webhooksHref({ status: "retrying" })} label="Retrying" value={deliveries.retrying} tone="warn" />
        <Figure
          href="/runs?status=failed"
          label="Runs failed (24 h)"
          value={runsFailedTotal}
          detail={runsFailedTotal ? `${runsFailed.tools} tool, ${runsFailed.workflows} workflow` : undefined}
          tone="bad"
        />
        <Figure href="/connections" label="Connections needing you" value={connections.length} tone="warn" />
        <Figure
          href="/alerts"
          label="Open issues"
          value={issues.open}
          detail={issues.endpointsFailing ? `${issues.endpointsFailing} about an endpoint that keeps failing` : undefined}
          tone="bad"
        />
      </section>

      <div className="mt-6">
        <OpenAlerts user={user} open={issues.open} />
      </div>

      <Card>
        <h2 id="needs-attention" className="mb-3 font-semibold">
          In the last 24 hours
        </h2>
        {allClear ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="all-clear">
            {cards.some((card) => briefStatus(card) === "connected")
              ? "Nothing failed in the last 24 hours and every connection works."
              : "Nothing failed in the last 24 hours. Nothing is connected yet."}
          </p>
        ) : (
          <ul className="space-y-2 text-sm" aria-label="In the last 24 hours">
            {deliveries.failed > 0 && (
              <li>
                <Link href={webhooksHref({ range: "24h", status: "failed" })} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {deliveries.failed === 1 ? "1 delivery" : `${deliveries.failed} deliveries`} failed processing
                </Link>{" "}
                after every retry; replay them from the Webhooks page.
              </li>
            )}
            {deliveries.retrying > 0 && (
              <li>
                <Link href={webhooksHref({ status: "retrying" })} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {deliveries.retrying === 1 ? "1 delivery is" : `${deliveries.retrying} deliveries are`} retrying
                </Link>{" "}
                after a failed attempt.
              </li>
            )}
            {runsFailedTotal > 0 && (
              <li>
                <Link href="/runs?status=failed" className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {runsFailedTotal === 1 ? "1 run" : `${runsFailedTotal} runs`} failed
                </Link>
                .
              </li>
            )}
            {connections.map((connection) => (
              <li key={connection.providerId}>
                <Link href="/connections" className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {connection.name}
                </Link>{" "}
                {connection.status === "needs_reconnect" ? "needs reconnecting." : "is in error."}
              </li>
            ))}
            {endpoints.map((endpoint) => (
              <li key={endpoint.id}>
                Endpoint{" "}
                <Link href={webhooksHref({ range: "24h", endpoint: endpoint.id })} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {endpoint.label}
                </Link>{" "}
                has {endpoint.failing === 1 ? "1 delivery" : `${endpoint.failing} deliveries`} failing.
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card className="mt-6">
        <div className="mb-3 flex items-center justify-between">
          <h2 className="font-semibold">Connections</h2>
          <span className="flex gap-3">
            <Link href="/catalog" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Catalog
            </Link>
            <Link href="/connections" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Manage
            </Link>
          </span>
        </div>
        <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" aria-label="Connection status">
          {cards.map((card) => {
            const badge = statusBadge[briefStatus(card)];
            return (
              <li key={card.id} className="flex items-center gap-2 text-sm">
                <BrandLogo name={card.name} color={card.color} logo={getProvider(card.id)?.logo} size={24} />
                <span className="min-w-0 flex-1 truncate">{card.name}</span>
                <Badge tone={badge.tone}>{badge.text}</Badge>
              </li>
            );
          })}
        </ul>
      </Card>
    </>
  );
}
