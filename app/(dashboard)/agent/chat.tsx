"use client";

import Link from "next/link";
import { useState } from "react";
import { JsonTree } from "@/app/_components/json-tree";
import { Badge } from "@/app/_components/provider-logo";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { ChatItem } from "@/lib/agent/transcript";
import type { AgentEvent, ToolCallView } from "@/lib/agent/turn";

type StreamEvent = AgentEvent | { type: "conversation"; id: string; title: string };

const statusLook: Record<ToolCallView["status"], { tone: "gray" | "amber" | "green" | "red"; label: string }> = {
  pending_approval: { tone: "amber", label: "Waiting for your approval" },
  running: { tone: "gray", label: "Running" },
  succeeded: { tone: "green", label: "Succeeded" },
  failed: { tone: "red", label: "Failed" },
  denied: { tone: "red", label: "Denied" },
};

/** Adds one streamed event to the transcript: text extends the agent's current reply, a tool call replaces its earlier state. */
function applyEvent(items: ChatItem[], event: AgentEvent): ChatItem[] {
  if (event.type === "text") {
    const last = items.at(-1);
    if (last?.kind === "assistant") return [...items.slice(0, -1), { kind: "assistant", text: last.text + event.text }];
    return [...items, { kind: "assistant", text: event.text }];
  }
  if (event.type === "tool") {
    const index = items.findIndex((item) => item.kind === "tool" && item.call.toolCallId === event.call.toolCallId);
    if (index === -1) return [...items, { kind: "tool", call: event.call }];
    return items.map((item, position) => (position === index ? { kind: "tool", call: event.call } : item));
  }
  if (event.type === "error") return [...items, { kind: "error", message: event.message }];
  return items;
}

async function failureOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `The request failed (${response.status}).`;
  } catch {
    return `The request failed (${response.status}).`;
  }
}

/** Why a call waits: it changes something, or it reaches a host not yet approved in this conversation (or both). */
function approvalReason(call: ToolCallView): string {
  if (!call.host) return "This changes something at the service.";
  const allows = `Approving also lets the agent call ${call.host} in the rest of this conversation without asking (changes still ask).`;
  return call.writes
    ? `This changes something at ${call.host}. ${allows}`
    : `This sends a request to ${call.host}, which you have not approved in this conversation. ${allows}`;
}

function ToolCard({ call, onDecide, busy }: { call: ToolCallView; onDecide: (approve: boolean) => void; busy: boolean }) {
  const look = statusLook[call.status];
  return (
    <article
      aria-label={`Tool call ${call.toolId}`}
      data-testid="tool-call"
      data-status={call.status}
      className={`min-w-0 overflow-hidden rounded-lg border p-4 text-sm ${call.status === "pending_approval" ? "border-amber-400 bg-amber-50/50 dark:border-amber-700 dark:bg-amber-950/20" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <header className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <span className="min-w-0 break-all font-mono font-medium">{call.toolId}</span>
        <span className="flex items-center gap-2">
          {call.writes && <Badge tone="amber">changes something</Badge>}
          <Badge tone={look.tone}>{look.label}</Badge>
        </span>
      </header>
      <JsonTree text={JSON.stringify(call.input ?? {})} label="input" openDepth={3} testId="tool-call-input" />
      {call.output !== null && call.output !== undefined && (
        <div className="mt-2">
          <JsonTree text={JSON.stringify(call.output)} label="output" openDepth={2} testId="tool-call-output" />
        </div>
      )}
      {call.status === "pending_approval" && (
        <div className="mt-3 space-y-2">
          <p>{approvalReason(call)} Approve to run it once, with exactly the input above, as you.</p>
          <div className="flex gap-2">
            <Button type="button" disabled={busy} onClick={() => onDecide(true)}>
              Approve
            </Button>
            <Button type="button" variant="secondary" disabled={busy} onClick={() => onDecide(false)}>
              Deny
            </Button>
          </div>
        </div>
      )}
      {call.runId && (
        <Link href={`/runs/${call.runId}`} className="mt-2 inline-block text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Open this run
        </Link>
      )}
    </article>
  );
}

/** The chat: sends JSON with fetch and reads the agent's reply line by line as it streams. */
export function Chat({
  conversationId,
  initialItems,
  configured,
  toolCount,
}: {
  conversationId?: string;
  initialItems: ChatItem[];
  configured: boolean;
  toolCount: number;
}) {
  const [currentId, setCurrentId] = useState(conversationId);
  const [items, setItems] = useState<ChatItem[]>(initialItems);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const waiting = items.some((item) => item.kind === "tool" && item.call.status === "pending_approval");

  async function stream(url: string, body: unknown): Promise<void> {
    setBusy(true);
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok || !response.body) {
        const message = await failureOf(response);
        setItems((current) => [...current, { kind: "error", message }]);
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) {
          const event = JSON.parse(line) as StreamEvent;
          if (event.type === "conversation") {
            setCurrentId(event.id);
            // The address names the conversation so a reload reopens it; the chat itself stays as it is.
            window.history.replaceState(null, "", `/agent?c=${event.id}`);
          } else setItems((current) => applyEvent(current, event));
        }
      }
    } catch (error) {
      setItems((current) => [
        ...current,
        { kind: "error", message: `The connection to Patchbay broke (${(error as Error).message}). Your conversation is saved; send again.` },
      ]);
    } finally {
      setBusy(false);
    }
  }

  function send(event: React.FormEvent) {
    event.preventDefault();
    const message = draft.trim();
    if (!message || busy) return;
    setDraft("");
    setItems((current) => [...current, { kind: "user", text: message }]);
    void stream(currentId ? `/api/agent/conversations/${currentId}/messages` : "/api/agent/conversations", { message });
  }

  function decide(call: ToolCallView, approve: boolean) {
    if (!currentId) return;
    void stream(`/api/agent/conversations/${currentId}/tool-calls/${encodeURIComponent(call.toolCallId)}`, { decision: approve ? "approve" : "deny" });
  }

  return (
    <div className="space-y-4">
      <div role="log" aria-label="Conversation" aria-live="polite" className="space-y-3">
        {items.length === 0 && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {toolCount === 0
              ? "No tools are ready yet: connect a service on the Connections page first."
              : `${toolCount} of your tools are ready. Ask for something, e.g. "List the open issues of octocat/hello-world".`}
          </p>
        )}
        {items.map((item, index) =>
          item.kind === "user" ? (
            <p
              key={index}
              data-testid="user-message"
              className="ml-auto w-fit max-w-[85%] whitespace-pre-wrap break-words rounded-lg bg-indigo-600 px-3 py-2 text-sm text-white"
            >
              {item.text}
            </p>
          ) : item.kind === "assistant" ? (
            <p
              key={index}
              data-testid="assistant-message"
              className="w-fit max-w-[85%] whitespace-pre-wrap break-words rounded-lg bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800"
            >
              {item.text}
            </p>
          ) : item.kind === "tool" ? (
            <ToolCard key={item.call.toolCallId} call={item.call} busy={busy} onDecide={(approve) => decide(item.call, approve)} />
          ) : (
            <Alert key={index}>{item.message}</Alert>
          ),
        )}
        {busy && (
          <p role="status" className="text-sm text-zinc-500">
            The agent is working…
          </p>
        )}
      </div>
      {/* The message box stays in view at the bottom however long the conversation grows. */}
      <form
        onSubmit={send}
        className="sticky bottom-0 z-10 flex gap-2 border-t border-zinc-200 bg-white/95 py-3 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/95"
      >
        <label htmlFor="agent-message" className="sr-only">
          Message
        </label>
        <textarea
          id="agent-message"
          rows={2}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) send(event);
          }}
          disabled={!configured || waiting}
          placeholder={waiting ? "Approve or deny the waiting action first." : "Ask the agent…"}
          className={inputClass}
        />
        <Button type="submit" disabled={!configured || busy || waiting || !draft.trim()}>
          Send
        </Button>
      </form>
    </div>
  );
}
