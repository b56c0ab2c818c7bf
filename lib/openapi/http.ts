import "server-only";
import type { z } from "zod";
import { BlockedRequestError, HttpError, readCapped } from "@/lib/http";
import { ApiError, type ErrorCode, formatIssues } from "@/lib/platform";
import { OpenApiImportError } from "./document";
import { formatBytes, MAX_SPEC_BYTES } from "./limits";
import { ReplaceNotConfirmedError } from "./import-request";

/** The body types the import routes take: JSON (a pasted text or a URL), or the description uploaded as a file. */
export const IMPORT_BODY_TYPES = ["application/json", "multipart/form-data"] as const;

/** Room for the other fields and the multipart framing around the description itself. */
const ENVELOPE_BYTES = 256 * 1024;

const tooLarge = () => importProblem("too_large", [{ location: "source", message: `The description is larger than ${formatBytes(MAX_SPEC_BYTES)}.` }]);

/**
 * Reads an import request body (at most the description's limit and its envelope, counted as the
 * bytes arrive) and validates it; a refusal is thrown as the ApiError to answer.
 *
 * Two shapes: JSON (`{ source: { kind: "text" | "url", ... }, ... }`), or multipart/form-data with
 * the description as the file part `description` and the other fields as JSON in the part
 * `request`, which is how the import page sends a file (the browser streams it from disk) and a
 * long paste (no JSON escaping).
 */
export async function readImportBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const bytes = await readBody(request);
  const contentType = request.headers.get("content-type") ?? "";
  const body = /^multipart\/form-data/i.test(contentType) ? readMultipart(bytes, contentType) : readJson(bytes);
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw importProblem(
      "invalid_request",
      formatIssues(parsed.error).map(({ path, message }) => ({ location: path, message })),
    );
  return parsed.data;
}

/**
 * The body, at most the description's limit and its envelope. With a Content-Length (browsers
 * always send one for a form or a string) the bytes go straight into one buffer of that size as
 * they arrive, so a 13 MB upload is held once, not as chunks and then their copy.
 */
async function readBody(request: Request): Promise<Buffer<ArrayBuffer>> {
  const maxBytes = MAX_SPEC_BYTES + ENVELOPE_BYTES;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (!Number.isInteger(declared) || declared <= 0 || !request.body) {
    const read = await readCapped(request.body, { maxBytes });
    if (!read.ok) throw tooLarge();
    return read.body;
  }
  if (declared > maxBytes) {
    await request.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const body = Buffer.allocUnsafe(declared);
  let length = 0;
  for await (const chunk of request.body) {
    // More than declared is a broken request: Node's parser does not let it happen, this does not rely on it.
    if (length + chunk.byteLength > declared)
      throw importProblem("invalid_request", [{ location: "", message: "The body is longer than its Content-Length." }]);
    body.set(chunk, length);
    length += chunk.byteLength;
  }
  return body.subarray(0, length);
}

function readJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw importProblem("invalid_json", [{ location: "", message: "Send a JSON body." }]);
  }
}

/**
 * The parts of a multipart/form-data body by name, each a view into the body (nothing copied: a
 * 40 MB upload is held once). RFC 7578 as browsers and HTTP clients write it.
 */
function multipartParts(body: Buffer, contentType: string): Map<string, Buffer> | undefined {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  const parts = new Map<string, Buffer>();
  // The first delimiter may start the body, without the CRLF before it.
  let at = body.indexOf(delimiter.subarray(2));
  if (at === -1) return undefined;
  at += delimiter.length - 2;
  for (;;) {
    if (body.subarray(at, at + 2).toString("latin1") === "--") return parts;
    const headersEnd = body.indexOf("\r\n\r\n", at);
    if (headersEnd === -1) return undefined;
    const headers = body.subarray(at, headersEnd).toString("utf8");
    const next = body.indexOf(delimiter, headersEnd + 4);
    if (next === -1) return undefined;
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined && !parts.has(name)) parts.set(name, body.subarray(headersEnd + 4, next));
    at = next + delimiter.length;
  }
}

function readMultipart(bytes: Buffer, contentType: string): unknown {
  const parts = multipartParts(bytes, contentType);
  if (!parts) throw importProblem("invalid_request", [{ location: "", message: "Send the form as multipart/form-data." }]);
  const description = parts.get("description");
  if (!description) throw importProblem("invalid_request", [{ location: "source", message: "Paste a description or choose a file." }]);
  if (description.length > MAX_SPEC_BYTES) throw tooLarge();
  const fields = parts.get("request");
  const rest = fields === undefined ? {} : readJson(fields);
  if (typeof rest !== "object" || rest === null || Array.isArray(rest))
    throw importProblem("invalid_request", [{ location: "request", message: "Send the other fields as a JSON object." }]);
  return { ...rest, source: { kind: "upload", bytes: description } };
}

/** An import refusal: the first problem is the message, and the body lists them all with their locations. */
function importProblem(code: ErrorCode, problems: { location: string; message: string }[]): ApiError {
  return new ApiError(code, problems[0]?.message ?? "The import failed.", { details: { problems } });
}

/** Import failures a person can act on become 4xx ApiErrors with their problems; anything else is a bug and returned as is, to rethrow. */
export function importError(error: unknown): unknown {
  if (error instanceof OpenApiImportError) return importProblem("invalid_description", error.problems);
  if (error instanceof ReplaceNotConfirmedError) return importProblem("confirm_replace", [{ location: "replace", message: error.message }]);
  if (error instanceof BlockedRequestError) return importProblem("blocked_url", [{ location: "source.url", message: error.message }]);
  if (error instanceof HttpError) return importProblem("fetch_failed", [{ location: "source.url", message: error.message }]);
  return error;
}
