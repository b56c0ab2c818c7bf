"use client";

import Link from "next/link";
import { useState } from "react";
import { JsonTree } from "@/app/_components/json-tree";
import { Badge } from "@/app/_components/provider-logo";
import { type FieldErrors, type JsonSchema, SchemaForm } from "@/app/_components/schema-form";
import { Alert, Button } from "@/app/_components/ui";
import type { ToolCallView } from "@/lib/agent/calls";

/** The person's decision on a held call, as the decision route takes it. */
export type DecisionBody = { decision: "approve" | "deny"; input?: unknown; allowTool?: boolean };

/** Why the server refused an edited input: its message, and the problem of each field the form shows in place. */
export type EditRefusal = { message: string; fieldErrors: FieldErrors };

const statusLook: Record<ToolCallView["status"], { tone: "gray" | "amber" | "green" | "red"; label: string }> = {
  pending_approval: { tone: "amber", label: "Waiting for your approval" },
  running: { tone: "gray", label: "Running" },
  succeeded: { tone: "green", label: "Succeeded" },
  failed: { tone: "red", label: "Failed" },
  denied: { tone: "red", label: "Denied" },
};

/** A call's input edited without a schema at hand (the tool is no longer ready) is still any JSON object. */
const ANY_OBJECT: JsonSchema = { type: "object" };

/** Why a call waits: it changes something, or it reaches a host not yet approved in this conversation (or both). */
function approvalReason(call: ToolCallView): string {
  if (!call.host) return "This changes something at the service.";
  const allows = `Approving also lets the agent call ${call.host} in the rest of this conversation without asking (changes still ask).`;
  return call.writes
    ? `This changes something at ${call.host}. ${allows}`
    : `This sends a request to ${call.host}, which you have not approved in this conversation. ${allows}`;
}

/** The held call's decision: approve as proposed, approve and allow the tool for the conversation, edit the input first, or deny. */
function Decision({
  call,
  busy,
  onDecide,
}: {
  call: ToolCallView;
  busy: boolean;
  onDecide: (body: DecisionBody, onRefused?: (refusal: EditRefusal) => void) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [allowTool, setAllowTool] = useState(false);
  const [refusal, setRefusal] = useState<EditRefusal>();
  const allowLabel = `Approve and allow ${call.toolId} in this conversation`;
  if (editing)
    return (
      <div className="mt-3 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-testid="edit-input">
        <p className="font-medium">Edit the input, then approve: the edited input is what runs, and the agent is told you changed it.</p>
        {refusal && <Alert>{refusal.message}</Alert>}
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={allowTool} onChange={(event) => setAllowTool(event.target.checked)} />
          Also allow {call.toolId} for the rest of this conversation
        </label>
        <SchemaForm
          schema={(call.schema as JsonSchema | undefined) ?? ANY_OBJECT}
          initial={(call.input ?? {}) as Record<string, unknown>}
          serverErrors={refusal?.fieldErrors}
          submitLabel="Approve with this input"
          pending={busy}
          onSubmit={(input) => {
            setRefusal(undefined);
            onDecide({ decision: "approve", input, allowTool }, setRefusal);
          }}
        />
        <Button type="button" variant="secondary" disabled={busy} onClick={() => setEditing(false)}>
          Cancel editing
        </Button>
      </div>
    );
  return (
    <div className="mt-3 space-y-2">
      <p>{approvalReason(call)} Approve to run it once, with exactly the input above, as you.</p>
      <div className="flex flex-wrap gap-2">
        <Button type="button" disabled={busy} onClick={() => onDecide({ decision: "approve" })}>
          Approve
        </Button>
        <Button
          type="button"
          variant="secondary"
          disabled={busy}
          title={`Later calls of ${call.toolId} in this conversation run without asking${call.host ? " (a call to another host still asks)" : ""}.`}
          onClick={() => onDecide({ decision: "approve", allowTool: true })}
        >
          {allowLabel}
        </Button>
        <Button type="button" variant="secondary" disabled={busy} onClick={() => setEditing(true)}>
          Edit input
        </Button>
        <Button type="button" variant="secondary" disabled={busy} onClick={() => onDecide({ decision: "deny" })}>
          Deny
        </Button>
      </div>
    </div>
  );
}

/** One tool call: its input and output, whether the person edited it, and while it waits, the decision. */
export function ToolCard({
  call,
  onDecide,
  busy,
}: {
  call: ToolCallView;
  onDecide: (body: DecisionBody, onRefused?: (refusal: EditRefusal) => void) => void;
  busy: boolean;
}) {
  const look = statusLook[call.status];
  const edited = call.proposedInput !== null && call.proposedInput !== undefined;
  return (
    <article
      aria-label={`Tool call ${call.toolId}`}
      data-testid="tool-call"
      data-status={call.status}
      className={`min-w-0 overflow-hidden rounded-lg border p-4 text-sm ${call.status === "pending_approval" ? "border-amber-400 bg-amber-50/50 dark:border-amber-700 dark:bg-amber-950/20" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <header className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <span className="min-w-0 break-all font-mono font-medium">{call.toolId}</span>
        <span className="flex flex-wrap items-center gap-2">
          {edited && <Badge tone="gray">edited before approval</Badge>}
          {call.writes && <Badge tone="amber">changes something</Badge>}
          <Badge tone={look.tone}>{look.label}</Badge>
        </span>
      </header>
      <JsonTree text={JSON.stringify(call.input ?? {})} label="input" openDepth={3} testId="tool-call-input" />
      {edited && (
        <details className="mt-2">
          <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">What the agent proposed before you edited it</summary>
          <JsonTree text={JSON.stringify(call.proposedInput)} label="proposed input" openDepth={3} testId="tool-call-proposed-input" />
        </details>
      )}
      {call.output !== null && call.output !== undefined && (
        <div className="mt-2">
          <JsonTree text={JSON.stringify(call.output)} label="output" openDepth={2} testId="tool-call-output" />
        </div>
      )}
      {call.status === "pending_approval" && <Decision call={call} busy={busy} onDecide={onDecide} />}
      {call.runId && (
        <Link href={`/runs/${call.runId}`} className="mt-2 inline-block text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Open this run
        </Link>
      )}
    </article>
  );
}
