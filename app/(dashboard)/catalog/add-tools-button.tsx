"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { addProviderToolsAction, type AddToolsState } from "./actions";

/** "Add tools": imports the provider's published OpenAPI description with its read tools enabled. */
export function AddToolsButton({ providerId, providerName }: { providerId: string; providerName: string }) {
  const [state, action, pending] = useActionState<AddToolsState, FormData>(addProviderToolsAction, undefined);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="providerId" value={providerId} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Add tools from ${providerName}`}>
        {pending ? "Adding…" : "Add tools"}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.ok && (
        <Alert tone="success">
          {state.ok}{" "}
          {state.specId && (
            <Link href={`/tools/apis/${state.specId}`} className="underline">
              Choose tools
            </Link>
          )}
        </Alert>
      )}
    </form>
  );
}
