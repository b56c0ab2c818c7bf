import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { WebhookSettingsSections } from "../endpoints-section";
import { RetentionNote } from "../retention-note";
import { WebhooksNav } from "../sub-nav";

export const metadata: Metadata = { title: "Webhook settings" };

export default async function WebhookSettingsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="Webhook settings"
        description="What is kept and for how long, the instance-wide URLs, hooks registered at a service, and what happens to each delivery."
      />
      <WebhooksNav />
      <RetentionNote />
      {atLeast(user.role, "admin") ? (
        <WebhookSettingsSections actor={user} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Instance URLs and hook registration are managed by the workspace&apos;s admins.</p>
      )}
    </>
  );
}
