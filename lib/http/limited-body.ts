/**
 * Reading a body with a cap, from any stream of bytes (a web ReadableStream, Node's request): a
 * declared Content-Length over the cap is refused before reading, and the bytes are counted as they
 * arrive, so at most one chunk past the cap is ever held.
 */

/** What a capped read holds its bytes in as they arrive (webhook intake's budget); false: no room. */
export type ByteReservation = { holdUpTo(total: number): boolean };

/**
 * A body read whole, or why not: over the cap (the first `keepBytes` kept so the log can show what
 * was sent), or no room in the reservation for the bytes read (nothing kept).
 */
export type CappedBody =
  | { ok: true; body: Buffer<ArrayBuffer> }
  | { ok: false; reason: "too_large"; head: Buffer; bytesRead: number; declaredBytes?: number }
  | { ok: false; reason: "busy" };

export type CapOptions = {
  maxBytes: number;
  /** How much of a body over the cap to keep (0 unless the caller logs it). */
  keepBytes?: number;
  /** The declared Content-Length header, when there is one. */
  declared?: string | null;
  /**
   * Holds the bytes as they arrive, before they are kept; without room, "busy". Only bytes that
   * arrived count: a declared Content-Length costs a sender nothing to send, so reserving it up
   * front would let a few idle connections shut intake for everyone.
   */
  reservation?: ByteReservation;
};

/** A declared Content-Length over the cap: the read is refused before it starts (undefined: read it). */
export function declaredTooLarge(declared: string | null | undefined, maxBytes: number): CappedBody | undefined {
  const declaredBytes = Number(declared ?? Number.NaN);
  return Number.isFinite(declaredBytes) && declaredBytes > maxBytes
    ? { ok: false, reason: "too_large", head: Buffer.alloc(0), bytesRead: 0, declaredBytes }
    : undefined;
}

/**
 * A body's bytes as they arrive, against the cap, the keep and the reservation: `add` takes each
 * chunk and answers when the read must stop there (over the cap, no room); `whole` is the body once
 * the stream has ended. Shared by readCapped and Node's request reader (lib/webhooks/node-intake.ts).
 */
export function cappedBytes({ maxBytes, keepBytes = 0, reservation }: Omit<CapOptions, "declared">): {
  add(chunk: Uint8Array): CappedBody | undefined;
  whole(): CappedBody;
} {
  const kept: Uint8Array[] = [];
  let total = 0;
  return {
    add(chunk) {
      total += chunk.byteLength;
      if (total <= maxBytes && reservation?.holdUpTo(total) === false) return { ok: false, reason: "busy" };
      if (total > maxBytes) return { ok: false, reason: "too_large", head: Buffer.concat([...kept, chunk]).subarray(0, keepBytes), bytesRead: total };
      kept.push(chunk);
      return undefined;
    },
    whole() {
      // One chunk (most small bodies) is used as it is, without a copy.
      if (kept.length === 1) return { ok: true, body: Buffer.from(kept[0]!.buffer as ArrayBuffer, kept[0]!.byteOffset, kept[0]!.byteLength) };
      return { ok: true, body: Buffer.concat(kept, total) };
    },
  };
}

/**
 * Reads `body` up to `maxBytes` without buffering more. Stopping early returns the stream's
 * iterator, which cancels a web stream; a stream that fails or is aborted rejects as it does.
 */
export async function readCapped(body: AsyncIterable<Uint8Array> | null | undefined, { declared, ...options }: CapOptions): Promise<CappedBody> {
  const chunks = body?.[Symbol.asyncIterator]();
  const stop = () => chunks?.return?.().catch(() => undefined);
  const refused = declaredTooLarge(declared, options.maxBytes);
  if (refused) {
    await stop();
    return refused;
  }
  if (!chunks) return { ok: true, body: Buffer.alloc(0) };
  const bytes = cappedBytes(options);
  for (;;) {
    const { done, value } = await chunks.next();
    if (done) return bytes.whole();
    const ended = bytes.add(value);
    if (ended) {
      await stop();
      return ended;
    }
  }
}

/** A response body larger than the reader's limit; reading stopped (and the body was cancelled) at `bytesRead`. */
export class ResponseTooLargeError extends Error {
  override name = "ResponseTooLargeError";
  constructor(
    /** The response's status, which arrived before its body. */
    readonly status: number,
    readonly limit: number,
    readonly bytesRead: number,
    readonly declared?: number,
  ) {
    super(
      `The response is larger than ${formatBytes(limit)}${declared === undefined ? "" : ` (it declares ${formatBytes(declared)})`}; Patchbay stopped reading it.`,
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The whole response body, or ResponseTooLargeError as soon as it is known to exceed `limit` bytes. */
export async function readLimited(response: Response, limit: number): Promise<Buffer<ArrayBuffer>> {
  const read = await readCapped(response.body, { maxBytes: limit, declared: response.headers.get("content-length") });
  if (read.ok) return read.body;
  if (read.reason === "busy") throw new Error("unreachable: no reservation");
  throw new ResponseTooLargeError(response.status, limit, read.bytesRead, read.declaredBytes);
}
