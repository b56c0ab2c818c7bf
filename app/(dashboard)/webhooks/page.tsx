import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Webhooks" description="Every delivery your services send, verified and stored before it is acknowledged." />
      <EmptyState title="No deliveries yet">
        <p>Deliveries will appear here newest first, with their signature check, status and processing attempts.</p>
        <p>Webhook intake is not part of this build yet, so no endpoint accepts deliveries on this instance.</p>
      </EmptyState>
    </>
  );
}
