import { relativeTime } from "@/app/_components/time";
import type { DestinationHealth } from "@/lib/outbox/forwarding";
import { ActionForm } from "../action-form";
import { sendTestEventAction } from "./actions";

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/**
 * A destination's health over the last 7 days (success rate of its attempts, the last success, the
 * last error with the head of the receiver's answer), and "Send a test event". Its own file, so the
 * Forwarding page (wherever the Webhooks pages place it) shows it beside each destination.
 */
export function DestinationHealthPanel({ destinationId, health, now }: { destinationId: string; health: DestinationHealth | undefined; now: number }) {
  return (
    <div className="mt-2 space-y-2 text-xs" data-testid="destination-health">
      {!health || health.attempts === 0 ? (
        <p className="text-zinc-600 dark:text-zinc-400">No sends in the last 7 days.</p>
      ) : (
        <dl className="flex flex-wrap gap-x-4 gap-y-1">
          <div className="flex gap-1">
            <dt className="text-zinc-600 dark:text-zinc-400">Success rate (7 days)</dt>
            <dd className={`font-medium ${health.successRate! < 0.9 ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}>
              {percent(health.successRate!)} of {health.attempts === 1 ? "1 attempt" : `${health.attempts} attempts`}
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="text-zinc-600 dark:text-zinc-400">Last success</dt>
            <dd>{health.lastSuccessAt === null ? "none" : relativeTime(new Date(health.lastSuccessAt), now)}</dd>
          </div>
        </dl>
      )}
      {health?.lastError && (
        <div className="rounded border border-red-200 bg-red-50 p-2 dark:border-red-900 dark:bg-red-950/40">
          <p>
            <span className="font-medium">Last error</span> {relativeTime(new Date(health.lastError.at), now)}: {health.lastError.error}
          </p>
          {health.lastError.responseHead && (
            <pre className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap break-all font-mono" tabIndex={0} aria-label="The receiver's answer (first bytes)">
              {health.lastError.responseHead}
            </pre>
          )}
        </div>
      )}
      <ActionForm action={sendTestEventAction} submitLabel="Send a test event" pendingLabel="Queuing…" variant="secondary">
        <input type="hidden" name="destinationId" value={destinationId} />
      </ActionForm>
    </div>
  );
}
