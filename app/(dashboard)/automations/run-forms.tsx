"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import { deleteAutomationAction, rerunAction, runAutomationAction, setEnabledAction, type RunState, type SaveState } from "./actions";

type Field = { name: string; type: "string" | "number" | "boolean"; required: boolean };

function toValue(field: Field, text: string): unknown {
  if (field.type === "number") return text === "" ? undefined : Number(text);
  if (field.type === "boolean") return text === "on";
  return text === "" ? undefined : text;
}

/** Run now (with the manual trigger's fields), a dry run, or "try with this delivery"; opens the run's page. */
export function RunPanel({ automationId, fields, samples }: { automationId: string; fields: Field[]; samples: { id: number; label: string }[] }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<RunState, FormData>(async (previous, form) => {
    const input: Record<string, unknown> = {};
    for (const field of fields) {
      const value = toValue(field, String(form.get(`field:${field.name}`) ?? ""));
      if (value !== undefined) input[field.name] = value;
    }
    form.set("input", JSON.stringify(input));
    return runAutomationAction(previous, form);
  }, undefined);
  useEffect(() => {
    if (state?.runId) router.push(`/automations/${automationId}/runs/${state.runId}`);
  }, [state, router, automationId]);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="id" value={automationId} />
      {fields.map((field) => (
        <label key={field.name} className="block text-sm font-medium">
          {field.name}
          {field.required ? " (required)" : ""}
          {field.type === "boolean" ? (
            <input type="checkbox" name={`field:${field.name}`} className="ml-2" />
          ) : (
            <input className={inputClass} name={`field:${field.name}`} type={field.type === "number" ? "number" : "text"} />
          )}
        </label>
      ))}
      {samples.length > 0 && (
        <label className="block text-sm font-medium">
          Delivery to try it with
          <select name="deliveryId" className={inputClass} defaultValue="">
            <option value="">(none)</option>
            {samples.map((sample) => (
              <option key={sample.id} value={sample.id}>
                {sample.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="mode" value="run" disabled={pending}>
          Run now
        </Button>
        <Button type="submit" name="mode" value="dry" variant="secondary" disabled={pending}>
          Dry run
        </Button>
        {samples.length > 0 && (
          <Button type="submit" name="mode" value="try" variant="secondary" disabled={pending}>
            Try with this delivery
          </Button>
        )}
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        A dry run calls only what reads; tools that write, workflows and forwards show what they would get.
      </p>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.runId && (
        <Alert tone="success">
          Started: <Link href={`/automations/${automationId}/runs/${state.runId}`}>open the run</Link>.
        </Alert>
      )}
    </form>
  );
}

export function EnableForm({ automationId, enabled }: { automationId: string; enabled: boolean }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(setEnabledAction, undefined);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={automationId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Button type="submit" variant={enabled ? "secondary" : "primary"} disabled={pending}>
        {enabled ? "Pause" : "Enable"}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
    </form>
  );
}

export function DeleteForm({ automationId }: { automationId: string }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(deleteAutomationAction, undefined);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm("Delete this automation and its run history?")) event.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={automationId} />
      <Button type="submit" variant="danger" disabled={pending}>
        Delete
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
    </form>
  );
}

export function RerunForm({ runId, stepKey }: { runId: string; stepKey: string }) {
  const [state, action, pending] = useActionState<RunState, FormData>(rerunAction, undefined);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="runId" value={runId} />
      <Button type="submit" disabled={pending}>
        {pending ? "Starting…" : `Re-run from ${stepKey}`}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
    </form>
  );
}
