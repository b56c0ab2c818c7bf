import "server-only";
import type { z } from "zod";
import { BlockedRequestError, HttpError } from "@/lib/http";
import { ApiError, type ErrorCode, formatIssues } from "@/lib/platform";
import { OpenApiImportError } from "./document";
import { MAX_SPEC_BYTES } from "./limits";
import { ReplaceNotConfirmedError } from "./store";

/** Reads and validates an import request body; a refusal is thrown as the ApiError to answer. */
export async function readImportBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_SPEC_BYTES + 64 * 1024) throw importProblem("too_large", [{ location: "", message: "The description is larger than 40 MB." }]);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw importProblem("invalid_json", [{ location: "", message: "Send a JSON body." }]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw importProblem(
      "invalid_request",
      formatIssues(parsed.error).map(({ path, message }) => ({ location: path, message })),
    );
  return parsed.data;
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
