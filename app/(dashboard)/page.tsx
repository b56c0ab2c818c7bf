import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Overview" };

const steps = [
  { href: "/connections", title: "Connections", text: "Services you connect by OAuth or API key, and whether each is ready to use." },
  { href: "/webhooks", title: "Webhooks", text: "Every delivery those services send: verified, stored, processed, replayable." },
  { href: "/tools", title: "Tools", text: "Mastra tools that act on your connected services, runnable by hand from a form." },
  { href: "/workflows", title: "Workflows", text: "Multi-step Mastra workflows, started by hand or by a webhook, with their run history." },
];

export default async function OverviewPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title={`Welcome, ${user.name ?? user.email}`} description="Patchbay connects your services, records every webhook they send, and runs tools and workflows against them." />
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
    </>
  );
}
