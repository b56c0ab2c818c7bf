"use client";

import { useActionState, useState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { replayFailedAction, type WebhookActionState } from "./actions";

/** "Replay N failed", shown only when something failed, confirmed in the page before anything is queued. */
export function ReplayFailed({ count, filters }: { count: number; filters: Record<string, string> }) {
  const [state, action, pending] = useActionState<WebhookActionState, FormData>(replayFailedAction, undefined);
  const [confirming, setConfirming] = useState(false);
  const outcome = state?.ok ? <Alert tone="success">{state.ok}</Alert> : state?.error ? <Alert>{state.error}</Alert> : null;
  if (count === 0) return outcome;
  const deliveries = count === 1 ? "1 failed delivery" : `${count} failed deliveries`;
  return (
    <div className="space-y-2">
      {confirming ? (
        <form
          action={action}
          onSubmit={() => setConfirming(false)}
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
          aria-label="Confirm replay"
        >
          <p>Replay {deliveries} matching these filters? Each is processed again as a new attempt.</p>
          {Object.entries(filters).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={pending}>
              Replay {deliveries}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <Button type="button" variant="secondary" onClick={() => setConfirming(true)} disabled={pending}>
          {pending ? "Queuing…" : `Replay ${count} failed…`}
        </Button>
      )}
      {outcome}
    </div>
  );
}
