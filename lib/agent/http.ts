import "server-only";
import { z } from "zod";
import { ApiError, describeIssues } from "@/lib/platform";
import type { AgentEvent } from "./turn";

export const MAX_MESSAGE_LENGTH = 20_000;

export const messageRequest = z.object({ message: z.string().trim().min(1, { message: "Write a message first." }).max(MAX_MESSAGE_LENGTH) });
/** Approve or Deny; an approval may carry the input as the person edited it, and allow the tool for the rest of the conversation. */
export const decisionRequest = z.object({
  decision: z.enum(["approve", "deny"]),
  input: z.unknown().optional(),
  allowTool: z.boolean().optional(),
});

export const AGENT_NOT_CONFIGURED = "The agent has no model: set AGENT_MODEL first.";

/** Parses a JSON body with its schema; a refusal is thrown as the 400 ApiError to answer. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ApiError("invalid_json", "Send a JSON body.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError("invalid_request", describeIssues(parsed.error, "body"));
  return parsed.data;
}

/** Streams a turn's events to the browser as newline-delimited JSON, each line as soon as it happens. */
export function eventLines(events: AsyncIterable<AgentEvent | { type: "conversation"; id: string; title: string }>): Response {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  const lines = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(lines, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
}
