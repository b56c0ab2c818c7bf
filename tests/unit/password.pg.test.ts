import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("hashes with scrypt and a random salt, and verifies", async () => {
    const first = await hashPassword("correct horse battery staple");
    const second = await hashPassword("correct horse battery staple");
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery staple", first)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", first)).toBe(false);
    expect(await verifyPassword("", first)).toBe(false);
  });

  it("treats equivalent Unicode forms as the same password", async () => {
    const stored = await hashPassword("caf\u00e9-password-123");
    expect(await verifyPassword("cafe\u0301-password-123", stored)).toBe(true);
  });

  it("refuses malformed stored hashes instead of throwing", async () => {
    expect(await verifyPassword("x", "plaintext")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$1$2$3$4$5")).toBe(false);
  });

  it("spends a real check on unknown accounts", async () => {
    expect(await verifyAgainstDecoy("anything")).toBe(false);
  });
});
