"use client";

import { useActionState, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import { saveAutomationAction, type SaveState } from "./actions";

/** Import: paste or choose an exported automation's JSON; it is saved paused, to try before enabling. */
export function ImportForm() {
  const [state, formAction, pending] = useActionState<SaveState, FormData>(saveAutomationAction, undefined);
  const [text, setText] = useState("");
  return (
    <form action={formAction} className="space-y-2">
      <label className="block text-sm font-medium">
        Automation JSON
        <textarea name="automation" className={`${inputClass} font-mono text-xs`} rows={5} value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <label className="block text-sm">
        Or a file{" "}
        <input
          type="file"
          accept="application/json,.json"
          aria-label="Automation file"
          onChange={async (event) => {
            const chosen = event.target.files?.[0];
            if (chosen) setText(await chosen.text());
          }}
        />
      </label>
      <Button type="submit" disabled={pending || !text.trim()}>
        {pending ? "Importing…" : "Import"}
      </Button>
      {state?.error && (
        <Alert>
          {state.error}
          {state.problems && (
            <ul className="mt-1 list-disc pl-5">
              {state.problems.map((problem) => (
                <li key={`${problem.path}:${problem.message}`}>
                  <span className="font-mono">{problem.path}</span>: {problem.message}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
    </form>
  );
}
