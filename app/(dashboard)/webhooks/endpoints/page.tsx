import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { EndpointsSection } from "../endpoints-section";
import { WebhooksNav } from "../sub-nav";

export const metadata: Metadata = { title: "Webhook endpoints" };

export default async function EndpointsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Endpoints" description="URLs you give to a service, each with its own signing secret. Deliveries to them appear under Events." />
      <WebhooksNav />
      {atLeast(user.role, "admin") ? (
        <EndpointsSection actor={user} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Endpoints and forwarding are managed by the workspace&apos;s admins.</p>
      )}
    </>
  );
}
