"use client";

import Link from "next/link";
import { useRef, useState, useTransition } from "react";
import { JsonTree } from "@/app/_components/json-tree";
import { type FormLookup, SchemaForm, type JsonSchema } from "@/app/_components/schema-form";
import { Alert, Card, inputClass } from "@/app/_components/ui";
import type { AccountChoice } from "@/lib/catalog/catalog";
import { runToolAction, startWorkflowAction, toolLookupsAction, type RunState } from "./actions";

/** Per-service failures a tool reported beside partial results (multi-service-search). */
function serviceErrors(output: unknown): { service: string; error: string }[] {
  const errors = (output as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors)
    ? errors.filter((entry): entry is { service: string; error: string } => typeof entry?.service === "string" && typeof entry?.error === "string")
    : [];
}

/** Which account each provider's calls will use; a choice only when several are connected. */
function AccountPicker({
  choices,
  chosen,
  onChange,
}: {
  choices: AccountChoice[];
  chosen: Record<string, string>;
  onChange: (providerId: string, connectionId: string) => void;
}) {
  if (choices.length === 0) return null;
  return (
    <div className="space-y-2 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800" data-testid="account-picker">
      {choices.map((choice) =>
        choice.accounts.length === 1 ? (
          <p key={choice.providerId}>
            Runs as <strong>{choice.accounts[0]!.label}</strong> on {choice.providerName}.
          </p>
        ) : (
          <label key={choice.providerId} className="block">
            <span className="mb-1 block font-medium">{choice.providerName} account to act as</span>
            <select
              className={inputClass}
              value={chosen[choice.providerId] ?? choice.accounts[0]!.id}
              onChange={(event) => onChange(choice.providerId, event.target.value)}
            >
              {choice.accounts.map((account) => (
                <option key={account.id} value={account.id}>
                  {account.label}
                  {account.status === "active" ? "" : ` (${account.status.replace("_", " ")})`}
                </option>
              ))}
            </select>
          </label>
        ),
      )}
    </div>
  );
}

/** The form for a tool or a workflow, generated from its input schema, and (for tools) the result. */
export function Runner({
  kind,
  id,
  schema,
  initial,
  accountChoices = [],
  lookups = [],
  deliveryId,
}: {
  lookups?: FormLookup[];
  kind: "tool" | "workflow";
  id: string;
  schema: JsonSchema;
  initial?: Record<string, unknown>;
  accountChoices?: AccountChoice[];
  deliveryId?: number;
}) {
  const [state, setState] = useState<RunState>(undefined);
  const [pending, startTransition] = useTransition();
  const [accounts, setAccounts] = useState<Record<string, string>>(() =>
    Object.fromEntries(accountChoices.map((choice) => [choice.providerId, choice.accounts[0]!.id])),
  );
  const [choices, setChoices] = useState(lookups);
  const [listing, startListing] = useTransition();
  const latestListing = useRef(0);
  const failures = state && state.status !== "invalid" ? serviceErrors(state.output) : [];

  /** Another account to act as: the form's choices are listed again with it (only the latest answer counts). */
  function chooseAccount(providerId: string, connectionId: string) {
    const next = { ...accounts, [providerId]: connectionId };
    setAccounts(next);
    if (kind !== "tool" || lookups.length === 0) return;
    const asked = ++latestListing.current;
    startListing(async () => {
      const answer = await toolLookupsAction(id, next);
      if (asked !== latestListing.current) return;
      setChoices("lookups" in answer ? answer.lookups : lookups.map((lookup) => ({ ...lookup, choices: [], error: answer.error })));
    });
  }
  return (
    <div className="space-y-4">
      <AccountPicker choices={accountChoices} chosen={accounts} onChange={chooseAccount} />
      {listing && (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          Listing the choices of the chosen account…
        </p>
      )}
      <SchemaForm
        schema={schema}
        initial={initial}
        lookups={choices}
        pending={pending}
        submitLabel={kind === "tool" ? "Run tool" : "Start workflow"}
        serverErrors={state?.status === "invalid" ? state.fieldErrors : {}}
        onSubmit={(input) =>
          startTransition(async () => {
            setState(kind === "tool" ? await runToolAction(id, input, { accounts, deliveryId }) : await startWorkflowAction(id, input, { deliveryId }));
          })
        }
      />
      {pending && (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          Running…
        </p>
      )}
      {state?.status === "invalid" && (
        <Alert>
          {state.message}
          {state.fix && (
            <>
              {" "}
              <Link href={state.fix.href} className="font-medium underline">
                {state.fix.label}
              </Link>
            </>
          )}
        </Alert>
      )}
      {state && state.status !== "invalid" && (
        <Card>
          <div className="mb-3 flex flex-wrap items-center gap-3 text-sm" data-testid="run-result">
            <span className={`font-semibold ${state.status === "succeeded" ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
              {state.status === "succeeded" ? (failures.length > 0 ? "Succeeded in part" : "Succeeded") : "Failed"}
            </span>
            {state.durationMs !== null && <span className="text-zinc-500">{state.durationMs} ms</span>}
            <Link href={`/runs/${state.runId}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Open this run
            </Link>
          </div>
          {failures.length > 0 ? (
            <Alert>
              <ul aria-label="Service errors" className="space-y-1">
                {failures.map((failure) => (
                  <li key={failure.service}>
                    <strong className="capitalize">{failure.service}</strong>: {failure.error}
                  </li>
                ))}
              </ul>
            </Alert>
          ) : (
            state.error && <Alert>{state.error}</Alert>
          )}
          <div className="mt-3">
            <JsonTree text={JSON.stringify(state.output ?? null)} label="output" openDepth={4} />
          </div>
        </Card>
      )}
    </div>
  );
}
