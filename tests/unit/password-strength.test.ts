import { describe, expect, it } from "vitest";
import { passwordWeakness } from "@/lib/auth/password-strength";
import { newAccountSchema, newPasswordSchema } from "@/lib/auth/schemas";

describe("password strength", () => {
  it.each([
    ["short1!", /^Use at least 12 characters\.$/],
    ["password1234", /too easy to guess\. This is similar to a commonly used password\./],
    ["iloveyou12345", /too easy to guess\. This is similar to a commonly used password\./],
    ["qwertyuiop123", /too easy to guess/],
    ["aaaaaaaaaaaaaa", /too easy to guess\. Repeated characters like "aaa" are easy to guess\./],
    ["123456789012", /too easy to guess/],
  ])("refuses %j and says why", (password, message) => {
    expect(passwordWeakness(password)).toMatch(message);
  });

  it("accepts long passphrases and random passwords", () => {
    for (const password of ["correct horse battery staple", "vivid-otter-marble-42", "q7#Vt9!pLm2@xZr4"])
      expect(passwordWeakness(password), password).toBeUndefined();
  });

  it("counts the person's own name and email as easy to guess", () => {
    const password = "mia.member@patchbay.test1";
    expect(passwordWeakness(password, ["Mia Member", "mia.member@patchbay.test"])).toMatch(/personal/);
    expect(newAccountSchema.safeParse({ name: "Mia Member", email: "mia.member@patchbay.test", password }).error?.issues[0]).toMatchObject({
      path: ["password"],
      message: expect.stringMatching(/too easy to guess/),
    });
  });

  it("is the check of every schema that sets a password", () => {
    expect(newPasswordSchema.safeParse("password1234").error?.issues[0]?.message).toMatch(/too easy to guess/);
    expect(newPasswordSchema.safeParse("x".repeat(1025)).error?.issues[0]?.message).toBe("Use at most 1024 characters.");
    expect(newPasswordSchema.safeParse("a brand new password").success).toBe(true);
    expect(newAccountSchema.safeParse({ name: "Kai", email: "kai@example.test", password: "iloveyou12345" }).success).toBe(false);
    expect(newAccountSchema.safeParse({ name: "Kai", email: "kai@example.test", password: "member password 123" }).success).toBe(true);
  });
});
