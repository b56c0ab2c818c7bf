import { ConnectionError } from "@/lib/connections";
import { githubErrorMessage } from "@/lib/github";

/** Tools answer with values, never throw: `{ success: false, error }` tells the person (or a model) what went wrong. */
export type ToolFailure = { success: false; error: string; code?: string | number };

export function failure(error: unknown): ToolFailure {
  if (error instanceof ConnectionError) return { success: false, error: error.message, code: error.code };
  const status = (error as { status?: number }).status;
  const githubMessage = (error as { response?: { data?: { message?: string } } }).response?.data?.message;
  if (status && githubMessage) return { success: false, error: githubErrorMessage(error), code: status };
  return { success: false, error: (error as Error)?.message ?? String(error), ...(status ? { code: status } : {}) };
}
