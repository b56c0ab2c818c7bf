import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { passwordResets, users } from "@/db/schema";
import { createAccessToken, listAccessTokens } from "@/lib/auth/access-tokens";
import { verifyPassword } from "@/lib/auth/password";
import { sweepExpiredSignInLinks } from "@/lib/auth";
import { findPasswordReset, resetPasswordWithToken, resetRequestAllowed, sendPasswordReset } from "@/lib/auth/password-reset";
import { findSessionUser, findUserForSignIn } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { createUser } from "@/tests/support/helpers";
import { startMailServer, type MailServer } from "@/e2e/fakes/smtp";

let mail: MailServer;

beforeAll(async () => {
  mail = await startMailServer();
  process.env.SMTP_URL = mail.smtpUrl;
  process.env.MAIL_FROM = "Patchbay <patchbay@example.test>";
  resetEnvCache();
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.MAIL_FROM;
  resetEnvCache();
  await mail.close();
});

/** Asks for a reset and follows the mail to its link's token, as the person would. */
async function mailedToken(email: string, now = Date.now()): Promise<string> {
  const before = mail.mails.length;
  expect(await sendPasswordReset(email, now)).toBe("sent");
  const received = await mail.waitForMail(email, { after: before });
  expect(received.subject).toBe("Reset your Patchbay password");
  const link = new URL(/http:\/\/localhost:3000\/reset-password\?token=[\w-]+/.exec(received.text)![0]);
  expect(received.html).toContain(link.href);
  return link.searchParams.get("token")!;
}

describe("forgot password by mail", () => {
  it("mails a single-use link, stores only its hash, and the new password ends every session and token", async () => {
    const user = await createUser("forgetful");
    await createAccessToken(user, { name: "mcp", scope: "read" });
    const signedInBefore = Date.now() - 1000;
    const token = await mailedToken(user.email!);

    const stored = await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await findPasswordReset(token)).toEqual({ userId: user.id, email: user.email });

    // A weak choice is refused with the reason, and the link keeps working for a better one.
    await expect(resetPasswordWithToken(token, "password1234")).rejects.toThrow(/too easy to guess/);
    await expect(resetPasswordWithToken(token, `${user.email}1`)).rejects.toThrow(/too easy to guess/);
    expect(await findPasswordReset(token)).toBeDefined();

    await resetPasswordWithToken(token, "a brand new passphrase here");
    const row = await findUserForSignIn(user.email!);
    expect(await verifyPassword("a brand new passphrase here", row!.passwordHash!)).toBe(true);
    expect(await findSessionUser(user.id, signedInBefore)).toBeUndefined();
    expect(await listAccessTokens(user.id)).toEqual([]);

    await expect(resetPasswordWithToken(token, "another fine passphrase 9")).rejects.toThrow("expired or was already used");
    expect(await findPasswordReset(token)).toBeUndefined();
  });

  it("lets a link expire after 30 minutes, and one used link ends the others", async () => {
    const user = await createUser("slow");
    const start = Date.now();
    const first = await mailedToken(user.email!, start);
    expect(await findPasswordReset(first, start + 29 * 60 * 1000)).toBeDefined();
    expect(await findPasswordReset(first, start + 31 * 60 * 1000)).toBeUndefined();
    await expect(resetPasswordWithToken(first, "a brand new passphrase here", start + 31 * 60 * 1000)).rejects.toThrow("expired");

    const second = await mailedToken(user.email!, start + 1);
    const third = await mailedToken(user.email!, start + 2);
    await resetPasswordWithToken(third, "a brand new passphrase here", start + 3);
    expect(await findPasswordReset(second, start + 4)).toBeUndefined();
  });

  it("mails nothing for an unknown address, and answers the caller the same way (the action does)", async () => {
    const before = mail.mails.length;
    expect(await sendPasswordReset("nobody-here@example.test")).toBe("no_account");
    expect(await sendPasswordReset("not an email")).toBe("invalid_email");
    expect(mail.mails.length).toBe(before);
  });

  it("limits mails to one address (3 an hour) and requests from one client address (10 an hour)", async () => {
    const user = await createUser("flooded");
    const now = Date.now();
    for (let sent = 0; sent < 3; sent++) expect(await sendPasswordReset(user.email!, now + sent)).toBe("sent");
    expect(await sendPasswordReset(user.email!.toUpperCase(), now + 3)).toBe("too_many_for_email");
    expect(await sendPasswordReset(user.email!, now + 61 * 60 * 1000)).toBe("sent");

    for (let request = 0; request < 10; request++) expect(await resetRequestAllowed("198.51.100.7", now)).toBe(true);
    expect(await resetRequestAllowed("198.51.100.7", now)).toBe(false);
    expect(await resetRequestAllowed("198.51.100.8", now)).toBe(true);
    expect(await resetRequestAllowed("198.51.100.7", now + 61 * 60 * 1000)).toBe(true);
  });

  it("sends nothing when mail is not configured", async () => {
    const user = await createUser("offline");
    delete process.env.SMTP_URL;
    resetEnvCache();
    try {
      expect(await sendPasswordReset(user.email!)).toBe("mail_not_configured");
    } finally {
      process.env.SMTP_URL = mail.smtpUrl;
      resetEnvCache();
    }
    expect(await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toEqual([]);
  });

  it("sweeps expired links away and keeps live ones", async () => {
    const [user, other] = [await createUser("sweep"), await createUser("kept")];
    const start = Date.now();
    await mailedToken(user.email!, start - 31 * 60 * 1000);
    const live = await mailedToken(other.email!, start);
    expect(await sweepExpiredSignInLinks(start)).toBeGreaterThanOrEqual(1);
    expect(await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toEqual([]);
    expect(await findPasswordReset(live, start)).toBeDefined();
  });

  it("removes a person's links with the person", async () => {
    const user = await createUser("leaving");
    await mailedToken(user.email!);
    await db().delete(users).where(eq(users.id, user.id));
    expect(await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toEqual([]);
  });
});
