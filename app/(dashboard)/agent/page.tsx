import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { getConversation, listConversations } from "@/lib/agent/conversations";
import { agentModel } from "@/lib/agent/model";
import { transcript } from "@/lib/agent/transcript";
import { listReadyTools } from "@/lib/catalog/exposure";
import { ActionForm } from "../webhooks/action-form";
import { deleteConversationAction } from "./actions";
import { Chat } from "./chat";

export const metadata: Metadata = { title: "Agent" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AgentPage({ searchParams }: Props) {
  const user = await requireUser();
  const requested = (await searchParams).c;
  const conversation = typeof requested === "string" ? await getConversation(user, requested) : undefined;
  if (typeof requested === "string" && !conversation) notFound();
  const setting = agentModel();
  const conversations = await listConversations(user);
  const tools = await listReadyTools(user);
  return (
    <>
      <PageHeader
        title="Agent"
        description="Ask for something in words; the agent uses your connected tools as you. Reads run at once; anything that changes something waits for your Approve."
        actions={setting.configured ? <p className="text-xs text-zinc-500">Model: {setting.label}</p> : undefined}
      />
      {!setting.configured && (
        <div className="mb-6">
          <Alert tone="info">
            The agent has no model yet. Set <code>AGENT_MODEL</code> to a model-router id such as <code>openai/gpt-5-mini</code>, and{" "}
            <code>AGENT_MODEL_API_KEY</code> to its key. For any OpenAI-compatible server (a gateway, Ollama, vLLM) also set <code>AGENT_MODEL_URL</code>, e.g.{" "}
            <code>http://localhost:11434/v1</code>. Then restart Patchbay.
          </Alert>
        </div>
      )}
      <div className="grid min-w-0 gap-6 lg:grid-cols-4">
        <nav aria-label="Conversations" className="min-w-0 space-y-2 text-sm">
          <Link
            href="/agent"
            className="block rounded-md border border-zinc-300 px-3 py-2 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            New conversation
          </Link>
          <ul className="space-y-1">
            {conversations.map((item) => (
              <li key={item.id}>
                <Link
                  href={`/agent?c=${item.id}`}
                  aria-current={item.id === conversation?.id ? "page" : undefined}
                  className={`block truncate rounded-md px-3 py-1.5 hover:bg-zinc-100 dark:hover:bg-zinc-800 ${item.id === conversation?.id ? "bg-zinc-100 font-medium dark:bg-zinc-800" : ""}`}
                >
                  {item.title}
                </Link>
              </li>
            ))}
          </ul>
          {conversation && (
            <ActionForm
              action={deleteConversationAction}
              submitLabel="Delete this conversation"
              variant="danger"
              confirm="Delete this conversation and its messages?"
            >
              <input type="hidden" name="conversationId" value={conversation.id} />
            </ActionForm>
          )}
        </nav>
        <div className="min-w-0 lg:col-span-3">
          <Chat
            key={conversation?.id ?? "new"}
            conversationId={conversation?.id}
            initialItems={conversation ? await transcript(conversation.id, tools) : []}
            allowedTools={conversation?.approvedTools ?? []}
            configured={setting.configured}
            toolCount={tools.length}
          />
        </div>
      </div>
    </>
  );
}
