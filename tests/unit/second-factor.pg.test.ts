import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { TOTP, URI } from "otpauth";
import { db } from "@/db/client";
import { accounts, recoveryCodes, secondFactors, signInChallenges, users } from "@/db/schema";
import { hasSecondFactor } from "@/lib/auth";
import {
  beginEnrolment,
  checkSecondFactorCode,
  confirmEnrolment,
  disableSecondFactor,
  regenerateRecoveryCodes,
  SecondFactorError,
  secondFactorStatus,
} from "@/lib/auth/second-factor";
import { providerSignInVerdict, signInAgainChallenge, signInWithCode, signInWithPassword } from "@/lib/auth/sign-in";
import { createLocalUser, setPassword } from "@/lib/auth/users";

let counter = 0;
const password = "a long enough password";

async function person() {
  counter++;
  return createLocalUser({ name: `Tess ${counter}`, email: `tess-${counter}-${Date.now()}@example.test`, password }, "member");
}

/** Enrols as a person would: reads the otpauth:// URI shown, computes the current code with the library, confirms. */
async function enrol(userId: string, label: string, now = Date.now()) {
  const enrolment = await beginEnrolment(userId, label);
  const totp = URI.parse(enrolment.uri) as TOTP;
  const codes = await confirmEnrolment(userId, totp.generate({ timestamp: now }), now);
  return { enrolment, totp, codes };
}

const PERIOD_MS = 30_000;
const noWait = async () => undefined;
const signInRequest = () => new Request("http://localhost/api/auth/callback/credentials", { method: "POST" });

describe("second factor (TOTP)", () => {
  it("shows the secret as an otpauth:// URI and an SVG QR code, seals it at rest, and guards nothing until confirmed", async () => {
    const user = await person();
    const enrolment = await beginEnrolment(user.id, user.email!);
    const totp = URI.parse(enrolment.uri) as TOTP;
    expect(totp).toBeInstanceOf(TOTP);
    expect(totp).toMatchObject({ issuer: "Patchbay", label: user.email, digits: 6, period: 30, algorithm: "SHA1" });
    expect(totp.secret.base32).toBe(enrolment.secret);
    expect(enrolment.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrolment.qrCode.split(",")[1]!, "base64").toString()).toContain("<svg");

    const [row] = await db().select().from(secondFactors).where(eq(secondFactors.userId, user.id));
    expect(row!.secret).toMatch(/^v1\./);
    expect(row!.secret).not.toContain(enrolment.secret);
    expect(await hasSecondFactor(user.id)).toBe(false);

    await expect(confirmEnrolment(user.id, "000000")).rejects.toThrow("That code is not right");
    const codes = await confirmEnrolment(user.id, totp.generate());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const stored = await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0]);
    expect(await hasSecondFactor(user.id)).toBe(true);
    expect(await secondFactorStatus(user.id)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    await expect(beginEnrolment(user.id, user.email!)).rejects.toBeInstanceOf(SecondFactorError);
  });

  it("takes a code once within its window, accepts one step of drift, and refuses an old code after a newer one", async () => {
    const user = await person();
    const now = Date.now();
    const { totp } = await enrol(user.id, user.email!, now);
    // The enrolment's own code is used up.
    expect(await checkSecondFactorCode(user.id, totp.generate({ timestamp: now }), now)).toBe("invalid");
    const next = totp.generate({ timestamp: now + PERIOD_MS });
    expect(await checkSecondFactorCode(user.id, next, now + 5_000)).toBe("ok"); // the phone's clock runs ahead
    expect(await checkSecondFactorCode(user.id, next, now + PERIOD_MS)).toBe("invalid"); // replayed in its window
    expect(await checkSecondFactorCode(user.id, totp.generate({ timestamp: now + 3 * PERIOD_MS }), now + 3 * PERIOD_MS)).toBe("ok");
    expect(await checkSecondFactorCode(user.id, totp.generate({ timestamp: now + 2 * PERIOD_MS }), now + 3 * PERIOD_MS)).toBe("invalid");
    expect(await checkSecondFactorCode(user.id, totp.generate({ timestamp: now + 10 * PERIOD_MS }), now + 4 * PERIOD_MS)).toBe("invalid"); // too far ahead
  });

  it("lets two requests with the same code race, and takes it for one of them only", async () => {
    const user = await person();
    const now = Date.now();
    const { totp } = await enrol(user.id, user.email!, now);
    const code = totp.generate({ timestamp: now + PERIOD_MS });
    const results = await Promise.all([checkSecondFactorCode(user.id, code, now + PERIOD_MS), checkSecondFactorCode(user.id, code, now + PERIOD_MS)]);
    expect(results.sort()).toEqual(["invalid", "ok"]);
  });

  it("takes each recovery code once, as typed with or without dashes and in any case", async () => {
    const user = await person();
    const { codes } = await enrol(user.id, user.email!);
    expect(await checkSecondFactorCode(user.id, codes[0]!.toUpperCase().replace(/-/g, " "))).toBe("ok");
    expect(await checkSecondFactorCode(user.id, codes[0]!)).toBe("invalid");
    expect(await secondFactorStatus(user.id)).toEqual({ enabled: true, recoveryCodesLeft: 9 });
    const fresh = await regenerateRecoveryCodes(user.id, codes[1]!);
    expect(fresh).toHaveLength(10);
    expect(await checkSecondFactorCode(user.id, codes[2]!)).toBe("invalid");
    expect(await checkSecondFactorCode(user.id, fresh[0]!)).toBe("ok");
  });

  it("refuses every code, right ones too, after 10 wrong ones in 15 minutes", async () => {
    const user = await person();
    const now = Date.now();
    const { totp } = await enrol(user.id, user.email!, now);
    for (let wrong = 0; wrong < 10; wrong++) expect(await checkSecondFactorCode(user.id, "123456", now + PERIOD_MS)).toBe("invalid");
    const right = totp.generate({ timestamp: now + PERIOD_MS });
    expect(await checkSecondFactorCode(user.id, right, now + PERIOD_MS)).toBe("throttled");
    expect(await checkSecondFactorCode(user.id, totp.generate({ timestamp: now + 16 * 60_000 }), now + 16 * 60_000)).toBe("ok");
  });

  it("turns off with a current code or the password, and not without either", async () => {
    const user = await person();
    const now = Date.now();
    const { totp } = await enrol(user.id, user.email!, now);
    await expect(disableSecondFactor(user.id, {}, now)).rejects.toThrow("Enter a current code");
    await expect(disableSecondFactor(user.id, { password: "not my password at all" }, now)).rejects.toThrow("Enter a current code");
    await expect(disableSecondFactor(user.id, { code: "999999" }, now)).rejects.toThrow("That code is not right");
    await disableSecondFactor(user.id, { code: totp.generate({ timestamp: now + PERIOD_MS }) }, now + PERIOD_MS);
    expect(await hasSecondFactor(user.id)).toBe(false);
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toEqual([]);

    await enrol(user.id, user.email!, now + 2 * PERIOD_MS);
    await disableSecondFactor(user.id, { password });
    expect(await hasSecondFactor(user.id)).toBe(false);
  });
});

describe("sign-in with a second factor", () => {
  it("asks for the code after a right password, and signs in only with a right code", async () => {
    const user = await person();
    const now = Date.now();
    const { totp, codes } = await enrol(user.id, user.email!, now - PERIOD_MS);

    expect(await signInWithPassword({ email: user.email, password: "wrong password here" }, signInRequest(), noWait)).toEqual({ ok: false, reason: "invalid" });
    const first = await signInWithPassword({ email: user.email, password }, signInRequest(), noWait);
    expect(first).toMatchObject({ ok: false, reason: "second_factor", challenge: expect.stringMatching(/^[\w-]{43}$/) });
    const challenge = (first as { challenge: string }).challenge;
    const [stored] = await db().select().from(signInChallenges).where(eq(signInChallenges.userId, user.id));
    expect(stored!.tokenHash).not.toBe(challenge);

    expect(await signInWithCode({ challenge, code: "000000" })).toEqual({ ok: false, reason: "invalid_code" });
    expect(await signInWithCode({ challenge: "made-up", code: totp.generate() })).toEqual({ ok: false, reason: "expired" });
    expect(await signInWithCode({ challenge, code: totp.generate() })).toEqual({
      ok: true,
      user: { id: user.id, name: user.name, email: user.email, image: null },
    });
    // Single-use: the same challenge does not sign in twice.
    expect(await signInWithCode({ challenge, code: codes[0] })).toEqual({ ok: false, reason: "expired" });

    const again = (await signInWithPassword({ email: user.email, password }, signInRequest(), noWait)) as { challenge: string };
    expect(await signInWithCode({ challenge: again.challenge, code: codes[0] })).toMatchObject({ ok: true });
  });

  it("ends a sign-in waiting for its code when the password changes", async () => {
    const user = await person();
    const { totp } = await enrol(user.id, user.email!, Date.now() - PERIOD_MS);
    const { challenge } = (await signInWithPassword({ email: user.email, password }, signInRequest(), noWait)) as { challenge: string };
    await setPassword(user.id, "the owner chose another one 7");
    expect(await signInWithCode({ challenge, code: totp.generate() })).toEqual({ ok: false, reason: "expired" });
  });

  it("drops a challenge after 5 wrong codes, so the password is asked again", async () => {
    const user = await person();
    const { totp } = await enrol(user.id, user.email!, Date.now() - PERIOD_MS);
    const { challenge } = (await signInWithPassword({ email: user.email, password }, signInRequest(), noWait)) as { challenge: string };
    for (let wrong = 0; wrong < 5; wrong++) expect(await signInWithCode({ challenge, code: "111111" })).toEqual({ ok: false, reason: "invalid_code" });
    expect(await signInWithCode({ challenge, code: totp.generate() })).toEqual({ ok: false, reason: "expired" });
  });

  it("signs in without a code a person who has none, and completes the server's own sign-in after a password change", async () => {
    const user = await person();
    expect(await signInWithPassword({ email: user.email, password }, signInRequest(), noWait)).toMatchObject({ ok: true, user: { id: user.id } });
    await enrol(user.id, user.email!);
    const verified = await signInAgainChallenge(user.id);
    expect(await signInWithCode({ challenge: verified })).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await signInWithCode({ challenge: verified })).toEqual({ ok: false, reason: "expired" });
  });

  it("removes the second factor, its codes and pending sign-ins with the person", async () => {
    const user = await person();
    await enrol(user.id, user.email!, Date.now() - PERIOD_MS);
    await signInWithPassword({ email: user.email, password }, signInRequest(), noWait);
    await db().delete(users).where(eq(users.id, user.id));
    for (const table of [secondFactors, recoveryCodes, signInChallenges]) expect(await db().select().from(table).where(eq(table.userId, user.id))).toEqual([]);
  });
});

describe("GitHub sign-in and the second factor", () => {
  it("refuses GitHub sign-in to a person with a second factor, who signs in with password and code instead", async () => {
    const user = await person();
    const githubId = `gh-${counter}`;
    await db().insert(accounts).values({ userId: user.id, type: "oauth", provider: "github", providerAccountId: githubId });
    expect(await providerSignInVerdict("github", githubId, false)).toBe("allowed");
    await enrol(user.id, user.email!);
    expect(await providerSignInVerdict("github", githubId, false)).toBe("second_factor");
    expect(await providerSignInVerdict("github", "gh-someone-new", false)).toBe("refused");
    expect(await providerSignInVerdict("github", "gh-someone-new", true)).toBe("allowed");
  });

  it("asks a person without a password (GitHub sign-in only) to set one before setting up a second factor", async () => {
    const [user] = await db()
      .insert(users)
      .values({ name: "Gia GitHub", email: `gia-${Date.now()}@example.test` })
      .returning({ id: users.id });
    await expect(beginEnrolment(user!.id, "gia")).rejects.toThrow("Set a password first");
    expect(await db().select().from(secondFactors).where(eq(secondFactors.userId, user!.id))).toEqual([]);
  });
});
