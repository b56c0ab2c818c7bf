import "server-only";
import type { Actor } from "@/lib/platform";
import { destinationHost, findTool } from "@/lib/tools";
import type { ExposedTool } from "@/lib/catalog";
import { recordToolCall, updateToolCall, type ToolCallRow, type ToolResultPart } from "./conversations";

/**
 * A tool call as the chat shows it: never more than the model saw (its input and output), and the
 * host it reaches when its input chooses one (api-call), which an approval allows for the conversation.
 * `proposedInput` is what the model asked for when the person edited the input before approving;
 * `schema` is the tool's input schema while the call waits, for the form that edits it.
 */
export type ToolCallView = Pick<ToolCallRow, "toolCallId" | "toolId" | "toolName" | "input" | "proposedInput" | "writes" | "status" | "output" | "runId"> & {
  host: string | null;
  schema?: Record<string, unknown>;
};

/** The host a call reaches when its input chooses it: only built-in tools do (imported operations go to their chosen server). */
function hostOf(toolId: string, input: unknown): string | null {
  return destinationHost(findTool(toolId)?.destinationField, input);
}

/** A stored call as the chat shows it; a waiting call carries its tool's input schema when the tool is at hand. */
export function toView(row: ToolCallRow, tool?: ExposedTool): ToolCallView {
  return {
    toolCallId: row.toolCallId,
    toolId: row.toolId,
    toolName: row.toolName,
    input: row.input,
    proposedInput: row.proposedInput ?? null,
    writes: row.writes,
    status: row.status,
    output: row.output,
    runId: row.runId,
    host: hostOf(row.toolId, row.input),
    ...(row.status === "pending_approval" && tool ? { schema: tool.jsonSchema } : {}),
  };
}

/**
 * What lets a call run without asking: the hosts and the tools the person allowed in this
 * conversation, and the tools an automation's author approved for its agent step.
 */
export type Allowances = { hosts: ReadonlySet<string>; tools: ReadonlySet<string>; preApproved: ReadonlySet<string> };

export const NOTHING_ALLOWED: Allowances = { hosts: new Set(), tools: new Set(), preApproved: new Set() };

/**
 * Whether a call waits for the person: a write, unless the person allowed its tool for this
 * conversation; and any call, whatever its method, to a host the person has not approved in this
 * conversation (text the model read may ask it to send data anywhere), even of an allowed tool.
 */
export function needsApproval(tool: ExposedTool, input: unknown, allowed: Allowances): boolean {
  // An automation's author may approve a tool for their automation's agent step: its calls run unasked.
  if (allowed.preApproved.has(tool.id)) return false;
  const host = tool.hostWith(input);
  if (host !== null && !allowed.hosts.has(host)) return true;
  if (allowed.tools.has(tool.id)) return false;
  return tool.writesWith(input);
}

export function resultPart(toolCallId: string, toolName: string, value: unknown): ToolResultPart {
  return { type: "tool-result", toolCallId, toolName, output: { type: "json", value: value ?? null } };
}

/**
 * What the model reads as a finished call's result: its output, and when the person edited the
 * input before approving, that fact and the input that actually ran (the model asked for another).
 */
export function modelResult(row: Pick<ToolCallRow, "input" | "proposedInput" | "output">): unknown {
  if (row.proposedInput === null || row.proposedInput === undefined) return row.output;
  return {
    note: "The person edited this call's input before approving it; it ran with inputUsed, not with the input you proposed.",
    inputUsed: row.input,
    result: row.output ?? null,
  };
}

/** Runs one call as the person, recorded in run history under this conversation; the output is what the model sees. */
export async function runCall(tool: ExposedTool, input: unknown, actor: Actor, conversationId: string, toolCallId: string): Promise<ToolCallRow> {
  await recordToolCall({ conversationId, toolCallId, toolId: tool.id, toolName: tool.name, input, writes: tool.writesWith(input), status: "running" });
  try {
    const run = await tool.run(input, { actor, trigger: { kind: "agent", conversationId } });
    const output = run.output ?? { success: false, error: run.error };
    return (await updateToolCall(conversationId, toolCallId, { status: run.status === "succeeded" ? "succeeded" : "failed", runId: run.id, output }))!;
  } catch (error) {
    return (await updateToolCall(conversationId, toolCallId, { status: "failed", output: { success: false, error: (error as Error).message } }))!;
  }
}
