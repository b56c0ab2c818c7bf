import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "../support/helpers";

/**
 * A failed sign-in through Auth.js's own route handler (the credentials callback, with its CSRF
 * token), as a browser posts it: the server log gets one line, without the email or the password.
 */
const { handlers } = await import("@/lib/auth/config");

const APP = "http://localhost:3000";
let email: string;

beforeAll(async () => {
  email = (await createUser("logged")).email!;
});

/** Everything written to the console while `run` runs, one entry per line. */
async function logLines(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(...args.map(String).join(" ").split("\n"));
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level).mockImplementation(record));
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}

async function postCredentials(password: string): Promise<Response> {
  const csrf = await handlers.GET(new Request(`${APP}/api/auth/csrf`) as never);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const body = new URLSearchParams({ email, password, csrfToken, callbackUrl: `${APP}/` });
  return handlers.POST(
    new Request(`${APP}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: APP },
      body,
    }) as never,
  );
}

describe("a failed sign-in in the server log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is one line with the reason and no secret", async () => {
    const password = "not-the-password-7f3a9c";
    let response: Response | undefined;
    const lines = await logLines(async () => {
      response = await postCredentials(password);
    });
    expect(response!.status).toBe(302);
    expect(response!.headers.get("location")).toContain("error=CredentialsSignin");
    expect(lines).toEqual(['patchbay warn: sign-in refused {"reason":"invalid"}']);
    expect(lines.join("\n")).not.toContain(password);
    expect(lines.join("\n")).not.toContain(email);
  });
});
