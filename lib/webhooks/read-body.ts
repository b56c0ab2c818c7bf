import "server-only";
import type { IncomingMessage } from "node:http";
import type { BodyReservation } from "./intake-budget";

/**
 * A body read whole, or why not: over the cap (the first `keepBytes` kept so the log can show what
 * was sent), or no room in the process's budget for bodies being read (nothing kept).
 */
export type CappedBody = { ok: true; body: Buffer } | { ok: false; reason: "too_large"; head: Buffer; declaredBytes?: number } | { ok: false; reason: "busy" };

const BUSY: CappedBody = { ok: false, reason: "busy" };

/** A declared Content-Length, or NaN. */
function declaredLength(value: string | null | undefined): number {
  return Number(value ?? "NaN");
}

/**
 * Reads a request body up to `maxBytes` without buffering more: a declared Content-Length over
 * the cap is refused before reading, and a streamed body is cut off as soon as it passes it.
 * With a `reservation` (webhook intake), the bytes are held in it as they arrive, before they are
 * kept; without room, "busy".
 * Only bytes that arrived count: a declared Content-Length costs a sender nothing to send, so
 * reserving it up front would let a few idle connections shut intake for everyone.
 */
export async function readBodyCapped(request: Request, maxBytes: number, keepBytes: number, reservation?: BodyReservation): Promise<CappedBody> {
  const declared = declaredLength(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: "too_large", head: Buffer.alloc(0), declaredBytes: declared };
  }
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total <= maxBytes && reservation?.holdUpTo(total) === false) {
      await reader.cancel().catch(() => undefined);
      return BUSY;
    }
    chunks.push(value);
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too_large", head: Buffer.concat(chunks).subarray(0, keepBytes) };
    }
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/** The same cap and budget for a body read straight from Node's request stream (the server's intake fast path). */
export function readMessageCapped(message: IncomingMessage, maxBytes: number, keepBytes: number, reservation: BodyReservation): Promise<CappedBody> {
  const declared = declaredLength(message.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    message.resume();
    return Promise.resolve({ ok: false, reason: "too_large", head: Buffer.alloc(0), declaredBytes: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (answer: CappedBody) => {
      message.off("data", onData);
      message.resume();
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= maxBytes && !reservation.holdUpTo(total)) return stop(BUSY);
      chunks.push(chunk);
      if (total > maxBytes) stop({ ok: false, reason: "too_large", head: Buffer.concat(chunks).subarray(0, keepBytes) });
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
