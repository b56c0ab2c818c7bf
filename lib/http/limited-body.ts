/** Reading a response body with a cap: the declared Content-Length first, then the bytes as they arrive. */

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
    super(`The response is larger than ${formatBytes(limit)}${declared === undefined ? "" : ` (it declares ${formatBytes(declared)})`}; Patchbay stopped reading it.`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The whole body, or ResponseTooLargeError as soon as it is known to exceed `limit` bytes (at most one chunk past it is held). */
export async function readLimited(response: Response, limit: number): Promise<Buffer<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(response.status, limit, 0, declared);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new ResponseTooLargeError(response.status, limit, total);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
