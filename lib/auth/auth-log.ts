import "server-only";
import { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import { log } from "@/lib/platform";

/**
 * Auth.js's logger. A refused sign-in is an everyday outcome, not an error: one line with the
 * reason code and nothing the person typed (an email field sometimes holds a password). Other
 * errors keep their type and message, and the stack of their cause, which is what a bug report
 * needs; the cause's other data (a provider's response) is left out.
 */
export const authLogger: NonNullable<NextAuthConfig["logger"]> = {
  error(error: Error) {
    if (error instanceof CredentialsSignin) {
      log.warn("sign-in refused", { reason: error.code });
      return;
    }
    const type = error instanceof AuthError ? error.type : error.name;
    const cause = error.cause as { err?: unknown } | undefined;
    const stack = cause?.err instanceof Error ? cause.err.stack : error.stack;
    log.error("auth error", { type, message: error.message });
    if (stack) console.error(stack);
  },
  warn(code) {
    log.warn("auth warning", { code, docs: "https://warnings.authjs.dev" });
  },
};
