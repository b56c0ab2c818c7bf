"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { rerunFromFailedStepAction, type RerunState } from "../actions";

/** Runs a failed workflow run again from its failed step, keeping what the earlier steps made. */
export function RerunButton({ runId, stepId }: { runId: string; stepId: string }) {
  const [state, action, pending] = useActionState<RerunState, FormData>(rerunFromFailedStepAction, undefined);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="runId" value={runId} />
      <Button type="submit" disabled={pending}>
        {pending ? "Starting…" : `Re-run from ${stepId}`}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
    </form>
  );
}
