"use client";

import { useState, useTransition } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { ChatItem } from "@/lib/agent/transcript";
import type { AgentEvent, ToolCallView } from "@/lib/agent/turn";
import { revokeAllowedToolAction } from "./actions";
import { type DecisionBody, type EditRefusal, ToolCard } from "./tool-card";

type StreamEvent = AgentEvent | { type: "conversation"; id: string; title: string };

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

/** A refused request's message, and its problems by field when it names them (an edited input that does not fit). */
async function failureOf(response: Response): Promise<EditRefusal> {
  try {
    const body = (await response.json()) as { error?: { message?: string; problems?: { path: string; message: string }[] } };
    return {
      message: body.error?.message ?? `The request failed (${response.status}).`,
      fieldErrors: Object.fromEntries((body.error?.problems ?? []).map((problem) => [problem.path, problem.message])),
    };
  } catch {
    return { message: `The request failed (${response.status}).`, fieldErrors: {} };
  }
}

/** The tools the person allowed for the rest of this conversation, each with a way to take it back. */
function AllowedTools({ conversationId, tools, onChange }: { conversationId: string; tools: string[]; onChange: (tools: string[]) => void }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  if (tools.length === 0 && !message) return null;
  function revoke(toolId: string) {
    const form = new FormData();
    form.set("conversationId", conversationId);
    form.set("toolId", toolId);
    startTransition(async () => {
      const result = await revokeAllowedToolAction(undefined, form);
      if (result && "ok" in result) onChange(result.tools);
      setMessage(result && "ok" in result ? result.ok : result?.error);
    });
  }
  return (
    <section aria-label="Allowed in this conversation" className="rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      {tools.length > 0 && (
        <>
          <h2 className="mb-2 font-medium">Allowed without asking in this conversation</h2>
          <ul className="space-y-1">
            {tools.map((toolId) => (
              <li key={toolId} className="flex flex-wrap items-center justify-between gap-2" data-testid="allowed-tool">
                <span className="break-all font-mono">{toolId}</span>
                <Button type="button" variant="secondary" disabled={pending} onClick={() => revoke(toolId)} aria-label={`Revoke ${toolId}`}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      {message && (
        <p role="status" className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          {message}
        </p>
      )}
    </section>
  );
}

/** The chat: sends JSON with fetch and reads the agent's reply line by line as it streams. */
export function Chat({
  conversationId,
  initialItems,
  configured,
  toolCount,
  allowedTools = [],
}: {
  conversationId?: string;
  initialItems: ChatItem[];
  configured: boolean;
  toolCount: number;
  allowedTools?: string[];
}) {
  const [allowed, setAllowed] = useState(allowedTools);
  const [currentId, setCurrentId] = useState(conversationId);
  const [items, setItems] = useState<ChatItem[]>(initialItems);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const waiting = items.some((item) => item.kind === "tool" && item.call.status === "pending_approval");

  /** Posts and reads the streamed answer; a refusal goes to `onRefused` when given (the edit form shows it), else into the chat. */
  async function stream(url: string, body: unknown, onRefused?: (refusal: EditRefusal) => void): Promise<void> {
    setBusy(true);
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok || !response.body) {
        const refusal = await failureOf(response);
        if (onRefused) onRefused(refusal);
        else setItems((current) => [...current, { kind: "error", message: refusal.message }]);
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
          } else if (event.type === "allowed") setAllowed(event.tools);
          else setItems((current) => applyEvent(current, event));
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

  function decide(call: ToolCallView, body: DecisionBody, onRefused?: (refusal: EditRefusal) => void) {
    if (!currentId) return;
    void stream(`/api/agent/conversations/${currentId}/tool-calls/${encodeURIComponent(call.toolCallId)}`, body, onRefused);
  }

  return (
    <div className="space-y-4">
      {currentId && <AllowedTools conversationId={currentId} tools={allowed} onChange={setAllowed} />}
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
            <ToolCard key={item.call.toolCallId} call={item.call} busy={busy} onDecide={(body, onRefused) => decide(item.call, body, onRefused)} />
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
