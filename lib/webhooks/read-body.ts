import "server-only";
import type { IncomingMessage } from "node:http";

export type CappedBody = { ok: true; body: Buffer } | { ok: false; head: Buffer; declaredBytes?: number };

/**
 * Reads a request body up to `maxBytes` without buffering more: a declared Content-Length over
 * the cap is refused before reading, and a streamed body is cut off as soon as it passes it.
 * A refusal keeps the first `keepBytes` so the log can show what was sent.
 */
export async function readBodyCapped(request: Request, maxBytes: number, keepBytes = 8192): Promise<CappedBody> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, head: Buffer.alloc(0), declaredBytes: declared };
  }
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    chunks.push(value);
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, head: Buffer.concat(chunks).subarray(0, keepBytes) };
    }
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/** The same cap for a body read straight from Node's request stream (the server's intake fast path). */
export function readMessageCapped(message: IncomingMessage, maxBytes: number, keepBytes = 8192): Promise<CappedBody> {
  const declared = Number(message.headers["content-length"] ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    message.resume();
    return Promise.resolve({ ok: false, head: Buffer.alloc(0), declaredBytes: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      chunks.push(chunk);
      if (total > maxBytes) {
        message.off("data", onData);
        message.resume();
        resolve({ ok: false, head: Buffer.concat(chunks).subarray(0, keepBytes) });
      }
    };
    message.on("data", onData);
    message.once("end", () => resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
    message.once("error", reject);
    const cutOff = () => reject(new Error("the sender closed the connection before the body ended"));
    message.once("aborted", cutOff);
    // Also on close: a read that never settled would hold intake's batch waiting for it.
    message.once("close", () => {
      if (!message.complete) cutOff();
    });
  });
}
