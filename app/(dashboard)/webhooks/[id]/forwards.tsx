import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card } from "@/app/_components/ui";
import { forwardsOfDelivery, listDestinations } from "@/lib/outbox/forwarding";
import { ActionForm } from "../action-form";
import { replayForwardAction } from "../forwarding/actions";
import { formatTime } from "../status";
import { ReplayToUrl } from "./replay-to-url";

const forwardTones = { pending: "gray", sending: "amber", delivered: "green", failed: "red" } as const;

/**
 * Each destination this delivery was forwarded to, and each replay of it, with every attempt (and the
 * head of the receiver's answer) and a per-destination "Send again"; for admins, "Replay to a URL".
 */
export async function ForwardsCard({ workspaceId, deliveryId, replay }: { workspaceId: string; deliveryId: number; replay?: { payload: string } }) {
  const forwards = await forwardsOfDelivery(workspaceId, deliveryId);
  const destinations = replay ? (await listDestinations(workspaceId)).map(({ id, url }) => ({ id, url })) : [];
  return (
    <Card className="lg:col-span-3">
      <h2 className="mb-3 font-semibold">Forwarding</h2>
      {forwards.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Not forwarded.{" "}
          <Link href="/webhooks/forwarding" className="text-indigo-600 hover:underline dark:text-indigo-400">
            Set up forwarding
          </Link>{" "}
          to hand deliveries on to your own services.
        </p>
      ) : (
        <ul className="space-y-3 text-sm" aria-label="Forwards">
          {forwards.map((forward) => (
            <li key={forward.id} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div className="min-w-0">
                  <p className="break-all font-mono text-xs">{forward.url}</p>
                  <p className="text-xs text-zinc-600 dark:text-zinc-400">
                    {forward.kind === "replay" ? `Replay${forward.edited ? " with an edited payload" : ""} · ` : ""}webhook-id {forward.id}
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <Badge tone={forwardTones[forward.status]}>{forward.status}</Badge>
                  {/* Always on the page, so "Queued" stays in view while the forward it queued is pending or sending again. */}
                  <ActionForm
                    action={replayForwardAction}
                    submitLabel="Send again"
                    variant="secondary"
                    disabled={forward.status !== "delivered" && forward.status !== "failed"}
                  >
                    <input type="hidden" name="messageId" value={forward.id} />
                    <input type="hidden" name="deliveryId" value={deliveryId} />
                  </ActionForm>
                </div>
              </div>
              {forward.status === "pending" && forward.nextAttemptAt && (
                <p className="mt-1 text-xs text-zinc-500">Next attempt {formatTime(forward.nextAttemptAt)}</p>
              )}
              {forward.attempts.length > 0 && (
                <ol className="mt-2 space-y-1" aria-label="Forward attempts">
                  {forward.attempts.map((attempt) => (
                    <li key={attempt.id} className="text-xs">
                      <div className="flex flex-wrap gap-2">
                        <span className="font-medium">Attempt {attempt.number}</span>
                        <span>
                          {formatTime(attempt.startedAt)} · {attempt.durationMs} ms
                        </span>
                        <span className={attempt.error ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}>
                          {attempt.error ?? `answered ${attempt.statusCode}`}
                        </span>
                      </div>
                      {attempt.responseHead && (
                        <pre
                          className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-1 font-mono dark:bg-zinc-800"
                          tabIndex={0}
                          aria-label={`The receiver's answer to attempt ${attempt.number} (first bytes)`}
                        >
                          {attempt.responseHead}
                        </pre>
                      )}
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ul>
      )}
      {replay && destinations.length > 0 && <ReplayToUrl deliveryId={deliveryId} destinations={destinations} payload={replay.payload} />}
    </Card>
  );
}
