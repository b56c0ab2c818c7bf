import "server-only";
import type { z } from "zod";
import { ApiError, formatIssues } from "@/lib/platform";
import { type Member, requireRole, requireUser } from "./session";
import type { WorkspaceRole } from "./workspaces";

/** An error class whose messages are written for the person (ConnectionError, RegistrationError, ...). */
export type Refusal = abstract new (...args: never[]) => Error;

/** What a server action answers when it refuses: the message its form shows. */
export type ActionRefusal = { error: string };

/**
 * A server action's input checked with its schema. When the schema refuses, throws the ApiError
 * that `userAction` turns into the form's message: `message` when given, else the first issue's.
 */
export function actionInput<T>(schema: z.ZodType<T>, value: unknown, message?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ApiError("invalid_request", message ?? formatIssues(parsed.error)[0]?.message ?? "That value is not valid.");
}

/**
 * Runs a server action for the signed-in person in their workspace (a redirect to sign-in
 * otherwise), when their role there is at least `minimum` (a member by default: viewers change
 * nothing; an action on the person's own account says "own account"). A refusal (an ApiError, or an
 * error of one of the `refusals` classes) becomes `{ error: message }`; anything else propagates:
 * a bug, and Next's redirect, which must.
 */
export async function userAction<State>(
  run: (user: Member) => Promise<State>,
  refusals: readonly Refusal[] = [],
  minimum: WorkspaceRole | "own account" = "member",
): Promise<State | ActionRefusal> {
  // "own account": any role, and open before a required second factor is set up (it is how one sets it up).
  const ownAccount = minimum === "own account";
  const user = await requireUser({ secondFactorExempt: ownAccount });
  try {
    requireRole(user, ownAccount ? "viewer" : minimum);
    return await run(user);
  } catch (error) {
    if (error instanceof ApiError || refusals.some((refusal) => error instanceof refusal)) return { error: (error as Error).message };
    throw error;
  }
}
