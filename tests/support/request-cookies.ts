import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";

/**
 * The cookies of the request a test plays: what `cookies()` from next/headers answers in every test
 * file (tests/support/setup.ts), since Next's own answers only inside a request it serves. Route
 * handlers and server actions read the workspace a person looks at from here (lib/auth/session.ts);
 * empty unless a test sets one, and emptied after each test.
 */
export let requestCookies = new ResponseCookies(new Headers());

export function clearRequestCookies(): void {
  requestCookies = new ResponseCookies(new Headers());
}
