import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CopyButton } from "@/app/_components/copy-button";
import { JsonTree } from "@/app/_components/json-tree";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { toolSummaries, workflowCatalog } from "@/lib/catalog/catalog";
import { curlCommand } from "@/lib/webhooks/curl";
import { endpointUrl } from "@/lib/webhooks/endpoints";
import { deliveryPayload } from "@/lib/webhooks/payload";
import { getDelivery } from "@/lib/webhooks/queries";
import { ActionForm } from "../action-form";
import { cancelRetriesAction, replayDeliveryAction, retryNowAction } from "../actions";
import { DeliveryStatus, formatTime, StatusBadge } from "../status";
import { RunWithPayload } from "./run-with-payload";
import { ForwardsCard } from "./forwards";

export const metadata: Metadata = { title: "Delivery" };

/** The payload as JSON text for the tree (form-encoded GitHub bodies decoded), or undefined when it is not JSON. */
function payloadJson(body: string, contentType: string | undefined): string | undefined {
  try {
    return JSON.stringify(deliveryPayload(body, contentType));
  } catch {
    return undefined;
  }
}

export default async function DeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const found = await getDelivery(user.workspaceId, Number(id));
  if (!found) notFound();
  const { delivery, attempts } = found;
  const curl = curlCommand(endpointUrl(delivery.providerId, delivery.endpointId ?? undefined), delivery.headers, delivery.body, {
    truncated: delivery.bodyTruncated,
    bytes: delivery.bodyBytes,
  });
  const payload = delivery.bodyTruncated ? undefined : payloadJson(delivery.body, delivery.headers["content-type"]);
  const replayable = delivery.verified && delivery.trimmedAt === null;
  // The form stays while a replay runs (only its button is off), so the outcome it shows is not lost.
  const replayFinished = delivery.status === "processed" || delivery.status === "failed";

  return (
    <>
      <BackLink href="/webhooks">All deliveries</BackLink>
      <PageHeader
        title={`${delivery.providerId} ${delivery.event ?? "delivery"}${delivery.action ? `.${delivery.action}` : ""}`}
        description={`Received ${formatTime(delivery.receivedAt)}${delivery.repository ? ` · ${delivery.repository}` : ""}`}
        actions={<LiveRefresh />}
      />
      {delivery.trimmedAt !== null && (
        <div className="mb-4">
          <Alert tone="info">
            Retention removed this delivery&apos;s body and headers on {formatTime(delivery.trimmedAt)}; its status, attempts and delivery id are kept, so a
            redelivery is still recognised.
          </Alert>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="space-y-3 lg:col-span-1">
          <h2 className="font-semibold">Summary</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-zinc-500">Status</dt>
            <dd>
              <DeliveryStatus status={delivery.status} attempts={delivery.attempts} nextAttemptAt={delivery.nextAttemptAt} />
            </dd>
            <dt className="text-zinc-500">Verified</dt>
            <dd data-testid="verification">{delivery.verified ? "Signature verified" : `Refused: ${delivery.reason ?? "unknown reason"}`}</dd>
            {delivery.verified && delivery.reason && (
              <>
                <dt className="text-zinc-500">Reason</dt>
                <dd>{delivery.reason}</dd>
              </>
            )}
            <dt className="text-zinc-500">Delivery id</dt>
            <dd className="break-all font-mono text-xs">{delivery.deliveryId ?? "—"}</dd>
            <dt className="text-zinc-500">Size</dt>
            <dd>
              {delivery.bodyBytes} bytes{delivery.bodyTruncated ? " (first 8 KB kept)" : ""}
            </dd>
            <dt className="text-zinc-500">Attempts</dt>
            <dd>{delivery.attempts}</dd>
            {delivery.lastError && (delivery.status === "retrying" || delivery.status === "failed") && (
              <>
                <dt className="text-zinc-500">Last error</dt>
                <dd className="break-words text-red-700 dark:text-red-400">{delivery.lastError}</dd>
              </>
            )}
            {delivery.nextAttemptAt && delivery.status === "received" && (
              <>
                <dt className="text-zinc-500">Next attempt</dt>
                <dd>{formatTime(delivery.nextAttemptAt)}</dd>
              </>
            )}
            <dt className="text-zinc-500">Workflow run</dt>
            <dd>
              {delivery.workflowRunId ? (
                <Link href={`/runs/${delivery.workflowRunId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {delivery.workflowRunId}
                </Link>
              ) : (
                "none"
              )}
            </dd>
          </dl>
          {delivery.status === "retrying" && (
            <div className="flex flex-wrap items-start gap-2">
              <ActionForm action={retryNowAction} submitLabel="Retry now" pendingLabel="Queuing…">
                <input type="hidden" name="deliveryId" value={delivery.id} />
              </ActionForm>
              <ActionForm action={cancelRetriesAction} submitLabel="Cancel retries" pendingLabel="Cancelling…" variant="secondary">
                <input type="hidden" name="deliveryId" value={delivery.id} />
              </ActionForm>
            </div>
          )}
          {replayable && (
            <ActionForm action={replayDeliveryAction} submitLabel="Replay" pendingLabel="Queuing…" disabled={!replayFinished}>
              <input type="hidden" name="deliveryId" value={delivery.id} />
            </ActionForm>
          )}
        </Card>

        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Processing attempts</h2>
          {attempts.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {delivery.status === "rejected" ? "Refused deliveries are not processed." : "Not processed yet."}
            </p>
          ) : (
            <ol className="space-y-2 text-sm" aria-label="Attempts">
              {attempts.map((attempt) => (
                <li key={attempt.id} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">Attempt {attempt.number}</span>
                    <span className="text-xs text-zinc-500">{attempt.trigger}</span>
                    <StatusBadge status={attempt.outcome} />
                    <span className="text-xs text-zinc-500">
                      {formatTime(attempt.startedAt)} · {attempt.durationMs} ms
                    </span>
                  </div>
                  {attempt.note && <p className="mt-1 text-zinc-600 dark:text-zinc-400">{attempt.note}</p>}
                  {attempt.error && <p className="mt-1 text-red-700 dark:text-red-400">{attempt.error}</p>}
                </li>
              ))}
            </ol>
          )}
        </Card>

        <ForwardsCard
          workspaceId={user.workspaceId}
          deliveryId={delivery.id}
          replay={atLeast(user.role, "admin") && delivery.verified ? { payload: delivery.trimmedAt === null ? delivery.body : "" } : undefined}
        />

        <Card className="lg:col-span-3">
          <h2 className="mb-3 font-semibold">Headers</h2>
          <table className="w-full table-fixed text-left text-xs">
            <tbody className="divide-y divide-zinc-200 font-mono dark:divide-zinc-800">
              {Object.entries(delivery.headers)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, value]) => (
                  <tr key={name}>
                    <th className="w-1/3 break-all py-1 pr-4 align-top font-medium">{name}</th>
                    <td className="break-all py-1">{value}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Card>

        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Payload</h2>
          {payload === undefined ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {delivery.bodyTruncated ? "Only the first 8 KB were kept; see the raw body." : "Not JSON; see the raw body."}
            </p>
          ) : (
            <>
              <JsonTree text={payload} />
              <div className="mt-4">
                <RunWithPayload
                  deliveryId={delivery.id}
                  targets={[
                    ...workflowCatalog.map((workflow) => ({ kind: "workflow" as const, id: workflow.id })),
                    ...(await toolSummaries(user)).map((tool) => ({ kind: "tool" as const, id: tool.id })),
                  ]}
                />
              </div>
            </>
          )}
        </Card>

        <Card className="space-y-4 lg:col-span-1">
          <details>
            <summary className="cursor-pointer font-semibold">Raw body</summary>
            <pre
              tabIndex={0}
              role="region"
              aria-label="Raw body"
              className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 text-xs focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:bg-zinc-800"
            >
              {delivery.body}
            </pre>
          </details>
          <div>
            <div className="mb-2 flex items-center justify-between">
              <h2 className="font-semibold">Copy as curl</h2>
              <CopyButton value={curl} label="Copy as curl" />
            </div>
            {delivery.bodyTruncated && (
              <p className="mb-2 text-xs text-amber-700 dark:text-amber-400" data-testid="curl-truncated">
                Only the first part of this body was stored, so this command re-sends a truncated body.
              </p>
            )}
            {/* Focusable, so a keyboard scrolls it (axe: scrollable-region-focusable). */}
            <pre
              tabIndex={0}
              role="region"
              aria-label="curl command"
              className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 text-xs focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:bg-zinc-800"
            >
              {curl}
            </pre>
          </div>
        </Card>
      </div>
    </>
  );
}
