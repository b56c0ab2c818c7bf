"use client";

import { useActionState, type ReactNode } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { Alert, Button } from "@/app/_components/ui";
import type { WebhookActionState } from "./actions";

type Props = {
  action: (previous: WebhookActionState, form: FormData) => Promise<WebhookActionState>;
  submitLabel: string;
  pendingLabel?: string;
  variant?: "primary" | "secondary" | "danger";
  confirm?: string;
  /** The button is off, while the form (and the outcome it shows) stays on the page. */
  disabled?: boolean;
  className?: string;
  children?: ReactNode;
};

/** A form bound to a webhook server action, showing its outcome; a new secret is shown here once. */
export function ActionForm({ action, submitLabel, pendingLabel, variant = "primary", confirm, disabled = false, className = "", children }: Props) {
  const [state, formAction, pending] = useActionState<WebhookActionState, FormData>(action, undefined);
  return (
    <form
      action={formAction}
      className={`space-y-2 ${className}`}
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
    >
      {children}
      <Button type="submit" variant={variant} disabled={pending || disabled}>
        {pending ? (pendingLabel ?? "Working…") : submitLabel}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
      {state?.url && (
        <div className="flex items-center gap-2 text-sm">
          <span className="shrink-0 font-medium">URL</span>
          <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800">{state.url}</code>
          <CopyButton value={state.url} label="Copy the endpoint URL" />
        </div>
      )}
      {state?.secret && (
        <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <p className="font-medium">
            {state.secretFor === "receiver"
              ? "Signing secret, shown once: copy it into the receiver that verifies these requests now."
              : "Signing secret, shown once: copy it into the sender now."}
          </p>
          <div className="flex items-center gap-2">
            <code data-testid="new-secret" className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
              {state.secret}
            </code>
            <CopyButton value={state.secret} label="Copy the signing secret" />
          </div>
        </div>
      )}
    </form>
  );
}
