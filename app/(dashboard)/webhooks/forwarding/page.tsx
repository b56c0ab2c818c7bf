import type { Metadata } from "next";
import { BackLink, Card, inputClass, PageHeader } from "@/app/_components/ui";
import { NotAllowed } from "@/app/_components/not-allowed";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { destinationHealth, listDestinations } from "@/lib/outbox/forwarding";
import { currentTime } from "@/lib/platform/clock";
import { listProviders } from "@/lib/providers";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { ActionForm } from "../action-form";
import { WebhooksNav } from "../sub-nav";
import { createDestinationAction, deleteDestinationAction, toggleDestinationAction } from "./actions";
import { DestinationHealthPanel } from "./destination-health";

export const metadata: Metadata = { title: "Forwarding" };

export default async function ForwardingPage() {
  const user = await requireUser();
  if (!atLeast(user.role, "admin")) return <NotAllowed title="Forwarding" role={user.role} needs="admin" workspaceName={user.workspaceName} />;
  const endpoints = await listEndpoints(user.workspaceId);
  const providers = listProviders().filter((provider) => provider.webhooks);
  const destinations = await listDestinations(user.workspaceId);
  const now = currentTime();
  const health = await destinationHealth(user.workspaceId, now);
  const sourceLabel = (providerId: string, endpointId: string | null) => {
    const provider = providers.find((candidate) => candidate.id === providerId)?.name ?? providerId;
    if (!endpointId) return `${provider} (instance URL)`;
    const endpoint = endpoints.find((candidate) => candidate.id === endpointId);
    return `${provider} · ${endpoint?.description || endpointId}`;
  };
  return (
    <>
      <BackLink href="/webhooks">Webhooks</BackLink>
      <PageHeader
        title="Forwarding"
        description="Hand verified deliveries on to your own services. Each is POSTed with its original body, re-signed with Standard Webhooks under a secret Patchbay generates, retried on the delivery schedule, and sent at least once with the same webhook-id so your receiver can deduplicate."
      />
      <WebhooksNav />
      <Card>
        <h2 className="mb-3 font-semibold">Destinations</h2>
        {destinations.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No destinations yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Destinations">
            {destinations.map((destination) => (
              <li key={destination.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0 flex-1">
                  <p className="font-medium">{sourceLabel(destination.providerId, destination.endpointId)}</p>
                  <p className="break-all font-mono text-xs">{destination.url}</p>
                  <p className="text-xs text-zinc-500">
                    {destination.events.length ? `Only ${destination.events.join(", ")}` : "Every verified delivery"}
                    {destination.enabled ? "" : " · paused"}
                  </p>
                  <DestinationHealthPanel destinationId={destination.id} health={health.get(destination.id)} now={now} />
                </div>
                <div className="flex gap-2">
                  <ActionForm action={toggleDestinationAction} submitLabel={destination.enabled ? "Pause" : "Resume"} variant="secondary">
                    <input type="hidden" name="destinationId" value={destination.id} />
                    <input type="hidden" name="enabled" value={destination.enabled ? "false" : "true"} />
                  </ActionForm>
                  <ActionForm action={deleteDestinationAction} submitLabel="Remove" variant="danger" confirm="Stop forwarding to this URL?">
                    <input type="hidden" name="destinationId" value={destination.id} />
                  </ActionForm>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card className="mt-6">
        <h2 className="mb-3 font-semibold">Add a destination</h2>
        <ActionForm action={createDestinationAction} submitLabel="Add destination" pendingLabel="Adding…">
          <div className="grid gap-3 md:grid-cols-2">
            <label className="text-sm">
              <span className="mb-1 block font-medium">Deliveries of</span>
              <select name="source" className={inputClass} required>
                {endpoints.map((endpoint) => (
                  <option key={endpoint.id} value={`${endpoint.providerId}/${endpoint.id}`}>
                    {endpoint.providerName} · {endpoint.description || endpoint.id}
                  </option>
                ))}
                {providers.map((provider) => (
                  <option key={provider.id} value={provider.id}>
                    {provider.name} (instance URL)
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm">
              <span className="mb-1 block font-medium">Destination URL</span>
              <input name="url" type="url" required className={inputClass} placeholder="https://hooks.example.com/github" />
            </label>
            <label className="text-sm md:col-span-2">
              <span className="mb-1 block font-medium">Only these events (optional)</span>
              <input name="events" className={inputClass} placeholder="push, pull_request.opened" />
              <span className="mt-1 block text-xs text-zinc-500">An event, or event.action; leave empty to forward every verified delivery.</span>
            </label>
          </div>
        </ActionForm>
      </Card>
    </>
  );
}
