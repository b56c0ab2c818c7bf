import type { Metadata } from "next";
import Link from "next/link";
import { Badge, ProviderLogo } from "@/app/_components/provider-logo";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { OpenAlerts } from "./alerts/open-alerts";
import { briefStatus, providerCards, type BriefStatus } from "@/lib/connections/overview";

const statusBadge: Record<BriefStatus, { tone: "green" | "amber" | "red" | "gray"; text: string }> = {
  connected: { tone: "green", text: "Connected" },
  instance_key: { tone: "green", text: "Instance key" },
  needs_reconnect: { tone: "amber", text: "Needs reconnect" },
  error: { tone: "red", text: "Error" },
  not_connected: { tone: "gray", text: "Not connected" },
  not_configured: { tone: "gray", text: "Not configured" },
};

export const metadata: Metadata = { title: "Overview" };

const steps = [
  { href: "/connections", title: "Connections", text: "Services you connect by OAuth or API key, and whether each is ready to use." },
  { href: "/webhooks", title: "Webhooks", text: "Every delivery those services send: verified, stored, processed, replayable." },
  { href: "/tools", title: "Tools", text: "Mastra tools that act on your connected services, runnable by hand from a form." },
  { href: "/workflows", title: "Workflows", text: "Multi-step Mastra workflows, started by hand or by a webhook, with their run history." },
];

export default async function OverviewPage() {
  const user = await requireUser();
  const cards = providerCards(user.id);
  return (
    <>
      <PageHeader title={`Welcome, ${user.name ?? user.email}`} description="Patchbay connects your services, records every webhook they send, and runs tools and workflows against them." />
      <OpenAlerts userId={user.id} />
      <div className="grid gap-4 sm:grid-cols-2">
        {steps.map((step) => (
          <Link key={step.href} href={step.href} className="group rounded-lg focus-visible:outline-2">
            <Card className="h-full transition group-hover:border-indigo-300 dark:group-hover:border-indigo-700">
              <h2 className="font-semibold">{step.title}</h2>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{step.text}</p>
            </Card>
          </Link>
        ))}
      </div>
      <Card className="mt-6">
        <div className="mb-3 flex items-center justify-between">
          <h2 className="font-semibold">Connections</h2>
          <Link href="/connections" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Manage
          </Link>
        </div>
        <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" aria-label="Connection status">
          {cards.map((card) => {
            const badge = statusBadge[briefStatus(card)];
            return (
              <li key={card.id} className="flex items-center gap-2 text-sm">
                <ProviderLogo name={card.name} color={card.color} size={24} />
                <span className="flex-1">{card.name}</span>
                <Badge tone={badge.tone}>{badge.text}</Badge>
              </li>
            );
          })}
        </ul>
      </Card>
    </>
  );
}
