import "server-only";
import { isDeepStrictEqual } from "node:util";
import { actorOf, audit } from "@/lib/auth";
import { findReadyTool } from "@/lib/catalog";
import { ApiError, type Actor, describeIssues, formatIssues } from "@/lib/platform";
import { allowTool, appendMessage, approveHost, claimPendingCall, updateToolCall, type ToolCallRow } from "./conversations";
import { modelResult, resultPart, runCall, toView } from "./calls";
import { proceed, type AgentEvent } from "./turn";

/** The person deciding: who they are in the workspace, as the audit log names them. */
export type Decider = Actor & { email: string | null; name: string | null };

/**
 * The person's decision on a held call. An approval may carry the input as the person edited it
 * (already checked with checkEditedInput), and may allow the call's tool for the rest of the conversation.
 */
export type Decision = { approve: false } | { approve: true; input?: unknown; allowTool?: boolean };

/** A refusal the model reads as the tool's result. */
export const REFUSAL = { success: false, refused: true, error: "The person denied this action, so nothing was done." };

/**
 * Checks the input the person edited for a held call against its tool's input schema. A refusal is
 * a 422 naming each problem by field (`problems`), and the call keeps waiting: nothing runs.
 */
export async function checkEditedInput(actor: Actor, call: ToolCallRow, input: unknown): Promise<void> {
  const tool = await findReadyTool(actor, call.toolId);
  if (!tool) throw new ApiError("conflict", `${call.toolId} is no longer ready: reconnect its service first, or deny this action.`);
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success)
    throw new ApiError("invalid_input", `The edited input does not fit ${call.toolId}: ${describeIssues(parsed.error, "input")}. Nothing was run.`, {
      details: { problems: formatIssues(parsed.error) },
    });
}

/** The held call with the person's edit in place: the input that runs, the model's proposal kept beside it. */
async function applyEdit(claimed: ToolCallRow, input: unknown, writes: boolean): Promise<ToolCallRow> {
  if (input === undefined || isDeepStrictEqual(input, claimed.input)) return claimed;
  return (await updateToolCall(claimed.conversationId, claimed.toolCallId, { input, proposedInput: claimed.input, writes }))!;
}

/**
 * The person's Approve or Deny on a held call. Approve runs it exactly once (the pending row is
 * claimed first, so a second click finds nothing to claim), with the input as the person edited
 * it, and approves its host, if its input chose one, for the rest of the conversation; with
 * allowTool, later calls of the same tool in this conversation run without asking. Deny answers
 * the model with a refusal. The approval is recorded in the audit log; then the model continues.
 */
export async function* decide(person: Decider, conversationId: string, toolCallId: string, decision: Decision): AsyncGenerator<AgentEvent> {
  const claimed = await claimPendingCall(conversationId, toolCallId, decision.approve ? "running" : "denied");
  if (!claimed) {
    yield { type: "error", message: "This action is not waiting for a decision (it was already approved or denied)." };
    yield { type: "done" };
    return;
  }
  let settled: ToolCallRow;
  if (!decision.approve) {
    settled = (await updateToolCall(conversationId, toolCallId, { output: REFUSAL }))!;
  } else {
    const tool = await findReadyTool(person, claimed.toolId);
    const call = await applyEdit(claimed, decision.input, tool ? tool.writesWith(decision.input ?? claimed.input) : claimed.writes);
    const edited = call.proposedInput !== null && call.proposedInput !== undefined;
    const allowed = Boolean(tool && decision.allowTool);
    await audit({
      workspaceId: person.workspaceId,
      actor: actorOf({ id: person.userId, email: person.email, name: person.name }),
      action: "agent_call_approved",
      target: claimed.toolId,
      detail: { conversation: conversationId, call: toolCallId, edited, allowedForConversation: allowed },
    });
    const host = tool?.hostWith(call.input);
    if (host) await approveHost(conversationId, host);
    if (tool && decision.allowTool) yield { type: "allowed", tools: await allowTool(conversationId, tool.id) };
    settled = tool
      ? await runCall(tool, call.input, person, conversationId, toolCallId)
      : (await updateToolCall(conversationId, toolCallId, {
          status: "failed",
          output: { success: false, error: `${claimed.toolId} is no longer ready: reconnect its service first.` },
        }))!;
  }
  await appendMessage(conversationId, { role: "tool", content: [resultPart(toolCallId, claimed.toolName, modelResult(settled))] });
  yield { type: "tool", call: toView(settled) };
  yield* proceed(person, conversationId);
}
