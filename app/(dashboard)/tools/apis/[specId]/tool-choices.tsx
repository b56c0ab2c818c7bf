"use client";

import { useState, useTransition } from "react";
import { Button } from "@/app/_components/ui";
import { saveToolChoicesAction } from "../../actions";
import { OperationChooser, type ChoosableOperation } from "../../operation-chooser";

/** The API page's chooser: which of its operations are tools, saved when the person says so. */
export function ToolChoices({ specId, operations, initiallyEnabled }: { specId: string; operations: ChoosableOperation[]; initiallyEnabled: string[] }) {
  const [enabled, setEnabled] = useState(() => new Set(initiallyEnabled));
  const [saved, setSaved] = useState(() => new Set(initiallyEnabled));
  const [pending, startTransition] = useTransition();
  const changed = enabled.size !== saved.size || [...enabled].some((toolId) => !saved.has(toolId));
  return (
    <div className="space-y-3">
      {saved.size === 0 && (
        <p className="text-sm text-amber-700 dark:text-amber-300">No operation of this API is a tool yet: choose the ones you want and save.</p>
      )}
      <OperationChooser operations={operations} enabled={enabled} onChange={setEnabled} />
      <Button
        type="button"
        disabled={!changed || pending}
        onClick={() =>
          startTransition(async () => {
            await saveToolChoicesAction(specId, [...enabled]);
            setSaved(new Set(enabled));
          })
        }
      >
        {pending ? "Saving…" : changed ? `Save choices (${enabled.size} enabled)` : "Choices saved"}
      </Button>
    </div>
  );
}
