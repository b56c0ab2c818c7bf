import { z } from "zod";
import { log } from "@/lib/platform/log";
import { formatIssues, describeIssues } from "./issues";

/**
 * Every error code Patchbay's own JSON answers carry, with its HTTP status. The set is closed so a
 * code always means the same status; OAuth (RFC 6749) and JSON-RPC errors keep their own shapes.
 */
const STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  blocked_url: 400,
  missing_signature: 400,
  unparseable_payload: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  forbidden: 403,
  cross_origin: 403,
  not_found: 404,
  unknown_provider: 404,
  unknown_endpoint: 404,
  method_not_allowed: 405,
  already_decided: 409,
  approval_pending: 409,
  confirm_replace: 409,
  conflict: 409,
  too_large: 413,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_description: 422,
  invalid_input: 422,
  internal_error: 500,
  fetch_failed: 502,
  agent_not_configured: 503,
  intake_busy: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS;

export type ErrorBody = { error: { code: ErrorCode; message: string } & Record<string, unknown> };

/**
 * A refusal a person or client can act on. `message` is shown as is, so it must be safe to show;
 * `details` join the body next to code and message (an import's `problems`); `headers` go on the
 * response (Retry-After, Allow, ...).
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.options.details } };
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

const INTERNAL_MESSAGE = "Something went wrong on our side; try again, and tell the instance's owner if it keeps happening.";

/**
 * Any thrown error as the answer to send: an ApiError as its status and body; a ZodError as a 400
 * with its issues; anything else as a 500 that says nothing of its cause (logged here instead).
 */
export function errorResponse(error: unknown): Response {
  const known = toApiError(error);
  return Response.json(known.body, { status: known.status, headers: known.options.headers });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return new ApiError("invalid_request", describeIssues(error, "body"), { details: { issues: formatIssues(error) } });
  log.error("request failed", { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  return new ApiError("internal_error", INTERNAL_MESSAGE);
}
