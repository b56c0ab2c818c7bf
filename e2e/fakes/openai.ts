/**
 * A fake OpenAI-compatible chat-completions server, scripted per test. It speaks the real wire
 * format: `POST /v1/chat/completions` answers a `chat.completion` JSON object, or with
 * `stream: true` server-sent events of `chat.completion.chunk` objects (content deltas, `tool_calls`
 * deltas with the arguments split across chunks, `finish_reason: "tool_calls"` or `"stop"`, a usage
 * chunk when `stream_options.include_usage`, then `data: [DONE]`), and OpenAI's error object with
 * its status (401 invalid_api_key, 429 rate_limit_exceeded).
 *
 * Each request takes the next scripted step; without one it answers a plain text. A text may quote
 * the latest tool result: `{{result.issue.number}}` is replaced by that path in the JSON of the last
 * `tool` message the request carried. Every request body is kept (`/_fake/requests`), so a test can
 * check what reached the model. Control: `POST /_fake/script` (JSON array of steps, replaces the
 * queue), `POST /_fake/reset`, `GET /_fake/state`. Run alone with `node e2e/fakes/openai.ts`.
 * Never imported by app code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type ScriptedStep =
  | { text: string }
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[]; text?: string }
  | { status: number; error: { message: string; type: string; code: string | null } };

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown };
type ChatRequest = { model?: string; messages?: ChatMessage[]; stream?: boolean; stream_options?: { include_usage?: boolean } };

export type FakeModel = {
  url: string;
  server: Server;
  /** Steps still to answer, in order. */
  script: ScriptedStep[];
  /** Every chat-completions request body as received, with the authorization header it came with. */
  requests: { body: string; authorization: string | undefined }[];
  close: () => Promise<void>;
};

export const INVALID_KEY_STEP: ScriptedStep = {
  status: 401,
  error: {
    message: "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function lastToolResult(messages: ChatMessage[]): unknown {
  const message = [...messages].reverse().find((candidate) => candidate.role === "tool");
  if (!message || typeof message.content !== "string") return undefined;
  try {
    return JSON.parse(message.content);
  } catch {
    return message.content;
  }
}

/** `{{result.a.b}}` -> the value at a.b in the last tool result. */
function fillTemplate(text: string, messages: ChatMessage[]): string {
  return text.replace(/\{\{result((?:\.[\w-]+)*)\}\}/g, (_, path: string) => {
    let value: unknown = lastToolResult(messages);
    for (const key of path.split(".").filter(Boolean)) value = (value as Record<string, unknown> | undefined)?.[key];
    return typeof value === "string" ? value : JSON.stringify(value ?? null);
  });
}

/** Splits a string in a few pieces, the way a real stream delivers it. */
function pieces(text: string, size = 8): string[] {
  const parts: string[] = [];
  for (let index = 0; index < text.length; index += size) parts.push(text.slice(index, index + size));
  return parts;
}

function toolCallsOf(step: ScriptedStep, sequence: number) {
  if (!("toolCalls" in step)) return [];
  return step.toolCalls.map((call, index) => ({
    id: `call_${sequence}_${index}`,
    type: "function" as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

function completion(step: ScriptedStep, text: string, model: string, sequence: number) {
  const toolCalls = toolCallsOf(step, sequence);
  return {
    id: `chatcmpl-fake${sequence}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}), refusal: null },
        finish_reason: toolCalls.length ? "tool_calls" : "stop",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
  };
}

function stream(response: ServerResponse, step: ScriptedStep, text: string, model: string, sequence: number, includeUsage: boolean): void {
  const base = {
    id: `chatcmpl-fake${sequence}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "fp_fake",
  };
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) => response.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  send([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  for (const part of pieces(text)) send([{ index: 0, delta: { content: part }, finish_reason: null }]);
  const toolCalls = toolCallsOf(step, sequence);
  toolCalls.forEach((call, index) => {
    send([
      {
        index: 0,
        delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] },
        finish_reason: null,
      },
    ]);
    for (const part of pieces(call.function.arguments, 12))
      send([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, finish_reason: null }]);
  });
  send([{ index: 0, delta: {}, finish_reason: toolCalls.length ? "tool_calls" : "stop" }]);
  if (includeUsage) send([], { usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 } });
  response.end("data: [DONE]\n\n");
}

export async function startFakeModel(port = 0): Promise<FakeModel> {
  const script: ScriptedStep[] = [];
  const requests: FakeModel["requests"] = [];
  let sequence = 0;

  const server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/_fake/state") return json(response, { script, requests });
    if (path === "/_fake/reset") {
      script.length = 0;
      requests.length = 0;
      return json(response, { ok: true });
    }
    if (path === "/_fake/script" && request.method === "POST") {
      script.splice(0, script.length, ...(JSON.parse(await readBody(request)) as ScriptedStep[]));
      return json(response, { ok: true, steps: script.length });
    }
    if (request.method !== "POST" || !/^(\/v1)?\/chat\/completions$/.test(path ?? "")) {
      return json(response, { error: { message: `Unknown request ${request.method} ${path}`, type: "invalid_request_error", code: "unknown_url" } }, 404);
    }
    const body = await readBody(request);
    requests.push({ body, authorization: request.headers.authorization });
    const chat = JSON.parse(body) as ChatRequest;
    const step = script.shift() ?? { text: "I have nothing scripted to say." };
    sequence++;
    if ("status" in step) return json(response, { error: step.error }, step.status);
    const text = fillTemplate(step.text ?? "", chat.messages ?? []);
    const model = chat.model ?? "fake-model";
    if (chat.stream) return stream(response, step, text, model, sequence, Boolean(chat.stream_options?.include_usage));
    return json(response, completion(step, text, model, sequence));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    script,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeModel(Number(process.env.FAKE_OPENAI_PORT ?? 0));
  console.log(`fake OpenAI-compatible model listening on ${fake.url}`);
}
