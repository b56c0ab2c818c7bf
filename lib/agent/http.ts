import "server-only";
import { z } from "zod";
import type { AgentEvent } from "./turn";

export const MAX_MESSAGE_LENGTH = 20_000;

export const messageRequest = z.object({ message: z.string().trim().min(1, { message: "Write a message first." }).max(MAX_MESSAGE_LENGTH) });
export const decisionRequest = z.object({ decision: z.enum(["approve", "deny"]) });

export function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** Parses a JSON body with its schema; a refusal comes back as the 400 to send. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { ok: false, response: problem(400, "invalid_json", "Send a JSON body.") };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, response: problem(400, "invalid_request", parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ")) };
  return { ok: true, data: parsed.data };
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
