import "server-only";
import type { z } from "zod";
import { BlockedRequestError, HttpError } from "@/lib/http";
import { OpenApiImportError } from "./document";
import { MAX_SPEC_BYTES, ReplaceNotConfirmedError } from "./store";

/** Reads and validates an import request body; a refusal comes back as the JSON response to send. */
export async function readImportBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_SPEC_BYTES + 64 * 1024) return { ok: false, response: problemResponse(413, "too_large", [{ location: "", message: "The description is larger than 40 MB." }]) };
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { ok: false, response: problemResponse(400, "invalid_json", [{ location: "", message: "Send a JSON body." }]) };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, response: problemResponse(400, "invalid_request", parsed.error.issues.map((issue) => ({ location: issue.path.join("."), message: issue.message }))) };
  }
  return { ok: true, data: parsed.data };
}

export function problemResponse(status: number, code: string, problems: { location: string; message: string }[]): Response {
  return Response.json({ error: { code, message: problems[0]?.message ?? "The import failed.", problems } }, { status });
}

/** Import failures a person can act on become 4xx answers with their problems; anything else is a bug and rethrown. */
export function importFailure(error: unknown): Response {
  if (error instanceof OpenApiImportError) return problemResponse(422, "invalid_description", error.problems);
  if (error instanceof ReplaceNotConfirmedError) return problemResponse(409, "confirm_replace", [{ location: "replace", message: error.message }]);
  if (error instanceof BlockedRequestError) return problemResponse(400, "blocked_url", [{ location: "source.url", message: error.message }]);
  if (error instanceof HttpError) return problemResponse(502, "fetch_failed", [{ location: "source.url", message: error.message }]);
  throw error;
}
