"use client";

import { useState } from "react";
import { inputClass } from "@/app/_components/ui";
import { ActionForm } from "../action-form";
import { replayToUrlAction } from "../forwarding/actions";

type Destination = { id: string; url: string };

/**
 * "Replay to a URL": sends this delivery again through a forwarding destination (whose secret signs
 * it), to its URL or another one (refused when private, like a destination), with the payload as
 * edited here. Admins only, as forwarding is theirs.
 */
export function ReplayToUrl({ deliveryId, destinations, payload }: { deliveryId: number; destinations: Destination[]; payload: string }) {
  const [destinationId, setDestinationId] = useState(destinations[0]?.id ?? "");
  const destination = destinations.find((candidate) => candidate.id === destinationId);
  const [edit, setEdit] = useState(false);
  return (
    <details className="mt-4 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <summary className="cursor-pointer font-medium">Replay to a URL</summary>
      <ActionForm action={replayToUrlAction} submitLabel="Send the replay" pendingLabel="Queuing…" className="mt-3">
        <input type="hidden" name="deliveryId" value={deliveryId} />
        <div className="grid gap-3 md:grid-cols-2">
          <label className="block">
            <span className="mb-1 block font-medium">Signed as destination</span>
            <select name="destinationId" className={inputClass} value={destinationId} onChange={(event) => setDestinationId(event.target.value)}>
              {destinations.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.url}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="mb-1 block font-medium">Send to (empty: the destination&apos;s URL)</span>
            <input name="url" type="url" className={inputClass} placeholder={destination?.url ?? "https://"} />
          </label>
        </div>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={edit} onChange={(event) => setEdit(event.target.checked)} />
          Edit the payload first
        </label>
        {edit && (
          <label className="block">
            <span className="mb-1 block font-medium">Payload</span>
            <textarea name="body" defaultValue={payload} rows={10} className={`${inputClass} font-mono text-xs`} spellCheck={false} />
          </label>
        )}
      </ActionForm>
    </details>
  );
}
