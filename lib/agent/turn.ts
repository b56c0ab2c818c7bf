import "server-only";
import { Agent } from "@mastra/core/agent";
import { noopLogger } from "@mastra/core/logger";
import { createTool } from "@mastra/core/tools";
import { type Actor, log } from "@/lib/platform";
import { requestContextFor } from "@/lib/tools";
import { type ExposedTool, listReadyTools } from "@/lib/catalog";
import {
  appendMessage,
  claimPendingCall,
  conversationAllowances,
  createConversation,
  findToolCall,
  loadMessages,
  pendingApprovals,
  recordToolCall,
  updateToolCall,
  type ConversationMessage,
  type TextPart,
  type ToolCallPart,
  type ToolResultPart,
} from "./conversations";
import { type Allowances, modelResult, needsApproval, resultPart, runCall, toView, type ToolCallView } from "./calls";
import { agentModel, describeProviderError } from "./model";

export type { ToolCallView } from "./calls";

/** What the browser receives while a turn runs, one JSON object per line. */
export type AgentEvent =
  | { type: "text"; text: string }
  | { type: "tool"; call: ToolCallView }
  | { type: "error"; message: string }
  /** The tools allowed for the rest of the conversation, after the person allowed one. */
  | { type: "allowed"; tools: string[] }
  | { type: "done" };

const MAX_STEPS = 8;

const INSTRUCTIONS = [
  "You are Patchbay's assistant. You act for the signed-in person, with the tools you are given, on the services they connected.",
  "Use a tool when the person asks for something a tool can do, and say plainly when no tool fits.",
  "Tools that change something (creating, posting, writing), and calls to a host the person has not approved in this conversation, wait for the person's approval before they run.",
  "When the person refuses a call, do not try it again another way unless they ask.",
  "Quote numbers, names and links from tool results exactly.",
].join(" ");

/** The person's ready tools as Mastra tools under their function-safe names; execution goes through tool exposure. */
function mastraTools(tools: ExposedTool[], actor: Actor, conversationId: string) {
  return Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      createTool({
        id: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        execute: async (input, context) => {
          const toolCallId = context?.agent?.toolCallId ?? crypto.randomUUID();
          return (await runCall(tool, input, actor, conversationId, toolCallId)).output;
        },
      }),
    ]),
  );
}

/** Collects what the model says in a step (text, tool calls) and the tool results, and stores them in order. */
class StepRecorder {
  private parts: (TextPart | ToolCallPart)[] = [];
  private results: ToolResultPart[] = [];

  constructor(private readonly conversationId: string) {}

  text(delta: string): void {
    const last = this.parts.at(-1);
    if (last?.type === "text") last.text += delta;
    else this.parts.push({ type: "text", text: delta });
  }

  toolCall(part: ToolCallPart): void {
    this.parts.push(part);
  }

  toolResult(part: ToolResultPart): void {
    this.results.push(part);
  }

  async flush(): Promise<void> {
    if (this.parts.length) await appendMessage(this.conversationId, { role: "assistant", content: this.parts });
    if (this.results.length) await appendMessage(this.conversationId, { role: "tool", content: this.results });
    this.parts = [];
    this.results = [];
  }
}

/** Tool calls the model made that have no result yet, in order. */
function openCalls(messages: ConversationMessage[]): ToolCallPart[] {
  const answered = new Set(messages.flatMap((message) => (message.role === "tool" ? message.content.map((part) => part.toolCallId) : [])));
  return messages.flatMap((message) =>
    message.role === "assistant" ? message.content.filter((part): part is ToolCallPart => part.type === "tool-call" && !answered.has(part.toolCallId)) : [],
  );
}

/**
 * Answers every open call before the model is asked again: a read to an approved host runs now, a
 * call that needs approval waits for the person (pending_approval), a call already decided or
 * finished gets its stored result. A waiting call that no longer needs approval (its host was
 * approved with another call) runs. Yields each call's state; afterwards the caller continues only
 * when nothing waits for approval.
 */
async function* settleOpenCalls(actor: Actor, conversationId: string, tools: ExposedTool[], allowed: Allowances): AsyncGenerator<AgentEvent> {
  for (const part of openCalls(await loadMessages(conversationId))) {
    let row = await findToolCall(conversationId, part.toolCallId);
    if (row?.status === "pending_approval") {
      const waiting = tools.find((candidate) => candidate.id === row!.toolId);
      if (!waiting || needsApproval(waiting, row.input, allowed)) continue;
      row = await claimPendingCall(conversationId, part.toolCallId, "running");
      if (!row) continue;
      const done = await runCall(waiting, row.input, actor, conversationId, part.toolCallId);
      await appendMessage(conversationId, { role: "tool", content: [resultPart(part.toolCallId, part.toolName, done.output)] });
      yield { type: "tool", call: toView(done) };
      continue;
    }
    if (row && row.status !== "running") {
      await appendMessage(conversationId, { role: "tool", content: [resultPart(part.toolCallId, part.toolName, modelResult(row))] });
      continue;
    }
    const tool = tools.find((candidate) => candidate.name === part.toolName);
    if (!tool || row?.status === "running") {
      const error = tool
        ? "This call was interrupted before it finished; check the service before trying again."
        : `No tool named ${part.toolName} is ready for this person.`;
      await appendMessage(conversationId, { role: "tool", content: [resultPart(part.toolCallId, part.toolName, { success: false, error })] });
      if (row)
        yield { type: "tool", call: toView((await updateToolCall(conversationId, part.toolCallId, { status: "failed", output: { success: false, error } }))!) };
      continue;
    }
    if (needsApproval(tool, part.input, allowed)) {
      const pending = await recordToolCall({
        conversationId,
        toolCallId: part.toolCallId,
        toolId: tool.id,
        toolName: tool.name,
        input: part.input,
        writes: tool.writesWith(part.input),
        status: "pending_approval",
      });
      yield { type: "tool", call: toView(pending, tool) };
      continue;
    }
    const done = await runCall(tool, part.input, actor, conversationId, part.toolCallId);
    await appendMessage(conversationId, { role: "tool", content: [resultPart(part.toolCallId, part.toolName, done.output)] });
    yield { type: "tool", call: toView(done) };
  }
}

/** One agent run over the stored conversation: text streams as it comes, reads to approved hosts run, a call needing approval stops the run until decided. */
async function* streamModel(actor: Actor, conversationId: string, tools: ExposedTool[], allowed: Allowances): AsyncGenerator<AgentEvent> {
  const setting = agentModel();
  if (!setting.configured) {
    yield { type: "error", message: "The agent has no model: set AGENT_MODEL (and AGENT_MODEL_API_KEY, and AGENT_MODEL_URL for an OpenAI-compatible server)." };
    return;
  }
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const agent = new Agent({
    id: "patchbay-agent",
    name: "Patchbay agent",
    instructions: INSTRUCTIONS,
    model: setting.model,
    tools: mastraTools(tools, actor, conversationId),
    maxRetries: 1,
  });
  // Mastra's logger would print provider errors with the whole request; Patchbay logs one line instead.
  agent.__setLogger(noopLogger);
  const recorder = new StepRecorder(conversationId);
  try {
    const output = await agent.stream((await loadMessages(conversationId)) as Parameters<typeof agent.stream>[0], {
      requestContext: requestContextFor(actor),
      maxSteps: MAX_STEPS,
      // A name outside the set is refused by Mastra as an unknown tool; there is nothing to approve.
      requireToolApproval: ({ toolName, args }) => {
        const tool = byName.get(toolName);
        return tool ? needsApproval(tool, args, allowed) : false;
      },
    });
    for await (const chunk of output.fullStream) {
      switch (chunk.type) {
        case "text-delta":
          recorder.text(chunk.payload.text);
          yield { type: "text", text: chunk.payload.text };
          break;
        case "tool-call": {
          const { toolCallId, toolName, args } = chunk.payload;
          recorder.toolCall({ type: "tool-call", toolCallId, toolName, input: args ?? {} });
          const tool = byName.get(toolName);
          // Recorded when it runs or waits for approval; a call Mastra never got to is settled before the next model call.
          if (tool)
            yield {
              type: "tool",
              call: {
                toolCallId,
                toolId: tool.id,
                toolName,
                input: args ?? {},
                proposedInput: null,
                writes: tool.writesWith(args),
                status: "running",
                output: null,
                runId: null,
                host: tool.hostWith(args),
              },
            };
          break;
        }
        case "tool-call-approval": {
          const { toolCallId, toolName, args } = chunk.payload;
          const tool = byName.get(toolName);
          if (tool)
            yield {
              type: "tool",
              call: toView(
                await recordToolCall({
                  conversationId,
                  toolCallId,
                  toolId: tool.id,
                  toolName,
                  input: args ?? {},
                  writes: tool.writesWith(args),
                  status: "pending_approval",
                }),
                tool,
              ),
            };
          break;
        }
        case "tool-result": {
          const { toolCallId, toolName, result } = chunk.payload;
          recorder.toolResult(resultPart(toolCallId, toolName, result));
          const row = await findToolCall(conversationId, toolCallId);
          if (row) yield { type: "tool", call: toView(row) };
          break;
        }
        case "tool-error": {
          const { toolCallId, toolName, error } = chunk.payload;
          recorder.toolResult(resultPart(toolCallId, toolName, { success: false, error: (error as Error)?.message ?? String(error) }));
          break;
        }
        case "step-finish":
          await recorder.flush();
          break;
        case "error":
          log.warn("agent model call failed", { conversationId, status: (chunk.payload.error as { statusCode?: number })?.statusCode });
          yield { type: "error", message: describeProviderError(chunk.payload.error) };
          break;
      }
    }
  } catch (error) {
    log.warn("agent run failed", { conversationId, status: (error as { statusCode?: number })?.statusCode });
    yield { type: "error", message: describeProviderError(error) };
  } finally {
    await recorder.flush();
  }
}

/** Settles open calls, then asks the model again unless something waits for the person's approval. */
export async function* proceed(actor: Actor, conversationId: string): AsyncGenerator<AgentEvent> {
  const tools = await listReadyTools(actor);
  const allowed = { ...(await conversationAllowances(conversationId)), preApproved: new Set<string>() };
  yield* settleOpenCalls(actor, conversationId, tools, allowed);
  if ((await pendingApprovals(conversationId)).length === 0) yield* streamModel(actor, conversationId, tools, allowed);
  yield { type: "done" };
}

/** The person's message: stored, then answered. The caller checks that nothing waits for approval first. */
export async function* sendMessage(actor: Actor, conversationId: string, text: string): AsyncGenerator<AgentEvent> {
  await appendMessage(conversationId, { role: "user", content: text });
  yield* proceed(actor, conversationId);
}

export type UnattendedAnswer = {
  conversationId: string;
  text: string;
  toolCalls: { toolId: string; status: string }[];
  waitingForApproval?: string;
  error?: string;
};

/**
 * An automation's agent step: a new conversation of the person the automation acts as, with the
 * prompt as its message and only the tools the step names. Writes the author approved for the
 * automation run unasked; any other write waits, and the conversation (on the Agent page) is where
 * the person decides it.
 */
export async function runUnattended(actor: Actor, prompt: string, options: { tools: string[]; approvedTools: string[] }): Promise<UnattendedAnswer> {
  const conversation = await createConversation(actor, prompt);
  await appendMessage(conversation.id, { role: "user", content: prompt });
  const named = new Set(options.tools);
  const tools = (await listReadyTools(actor)).filter((tool) => named.has(tool.id));
  const preApproved = new Set(options.approvedTools.filter((id) => named.has(id)));
  let text = "";
  let error: string | undefined;
  const calls = new Map<string, { toolId: string; status: string }>();
  for await (const event of streamModel(actor, conversation.id, tools, { ...(await conversationAllowances(conversation.id)), preApproved })) {
    if (event.type === "text") text += event.text;
    if (event.type === "error") error = event.message;
    if (event.type === "tool") calls.set(event.call.toolCallId, { toolId: event.call.toolId, status: event.call.status });
  }
  const waiting = (await pendingApprovals(conversation.id))[0];
  return { conversationId: conversation.id, text, toolCalls: [...calls.values()], waitingForApproval: waiting?.toolId, error };
}
