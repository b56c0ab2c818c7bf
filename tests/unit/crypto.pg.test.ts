import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyRing, isSealedWithCurrentKey, reseal, seal, SealError, unseal } from "@/lib/crypto";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const where = { table: "connections", column: "access_token", id: "row-1" };

function flipBit(sealed: string, partIndex: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[partIndex]!, "base64url");
  bytes[0]! ^= 0x01;
  parts[partIndex] = bytes.toString("base64url");
  return parts.join(".");
}

describe("sealing", () => {
  const ring = createKeyRing(keyA);

  it("round-trips, with a fresh IV each time and the key id in the value", () => {
    const first = seal(ring, "gho_secret", where);
    const second = seal(ring, "gho_secret", where);
    expect(first).not.toBe(second);
    expect(first).not.toContain("gho_secret");
    expect(first.split(".")).toHaveLength(5);
    expect(first.split(".")[1]).toBe(ring.current.id);
    expect(unseal(ring, first, where)).toBe("gho_secret");
    expect(unseal(ring, seal(ring, "", where), where)).toBe("");
    expect(unseal(ring, seal(ring, "ünïcödé 🔑", where), where)).toBe("ünïcödé 🔑");
  });

  it.each([
    ["the IV", 2],
    ["the ciphertext", 3],
    ["the tag", 4],
  ])("fails loudly when a bit of %s is flipped", (_label, part) => {
    const sealed = seal(ring, "gho_secret", where);
    expect(() => unseal(ring, flipBit(sealed, part), where)).toThrow(SealError);
  });

  it.each([4, 8, 12, 15])("refuses a tag cut to %i bytes (GCM would otherwise check only what is left)", (bytes) => {
    const parts = seal(ring, "gho_secret", where).split(".");
    parts[4] = Buffer.from(parts[4]!, "base64url").subarray(0, bytes).toString("base64url");
    expect(() => unseal(ring, parts.join("."), where)).toThrow(SealError);
  });

  it("refuses a part spelled in non-canonical base64, though it decodes to the same bytes", () => {
    const parts = seal(ring, "gho_secret", where).split(".");
    const tag = parts[4]!;
    // 16 tag bytes are 22 base64url characters; the last one carries 4 unused bits.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    parts[4] = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1]!;
    expect(Buffer.from(parts[4], "base64url").equals(Buffer.from(tag, "base64url"))).toBe(true);
    expect(() => unseal(ring, parts.join("."), where)).toThrow(SealError);
  });

  it("fails loudly with a wrong key", () => {
    const sealed = seal(ring, "gho_secret", where);
    const other = createKeyRing(keyB);
    expect(() => unseal(other, sealed, where)).toThrow(/neither ENCRYPTION_KEY nor in ENCRYPTION_PREVIOUS_KEYS/);
    // Same key id but different key material (forged id): authentication still fails.
    const forged = { current: { id: ring.current.id, key: other.current.key }, previous: [] };
    expect(() => unseal(forged, sealed, where)).toThrow(SealError);
  });

  it("fails loudly when the value is moved to another row or column", () => {
    const sealed = seal(ring, "gho_secret", where);
    expect(() => unseal(ring, sealed, { ...where, id: "row-2" })).toThrow(/failed authentication/);
    expect(() => unseal(ring, sealed, { ...where, column: "refresh_token" })).toThrow(SealError);
    expect(() => unseal(ring, sealed, { ...where, table: "webhook_endpoints" })).toThrow(SealError);
  });

  it("rejects malformed values without echoing them", () => {
    expect(() => unseal(ring, "plain-token", where)).toThrow(/malformed/);
    try {
      unseal(ring, "plain-token", where);
    } catch (error) {
      expect((error as Error).message).not.toContain("plain-token");
    }
  });

  it("reads values sealed with a previous key and reseals them with the current one", () => {
    const old = createKeyRing(keyA);
    const sealed = seal(old, "xoxb-token", where);
    const rotated = createKeyRing(keyB, [keyA]);
    expect(isSealedWithCurrentKey(rotated, sealed)).toBe(false);
    expect(unseal(rotated, sealed, where)).toBe("xoxb-token");
    const resealed = reseal(rotated, sealed, where);
    expect(isSealedWithCurrentKey(rotated, resealed)).toBe(true);
    expect(unseal(createKeyRing(keyB), resealed, where)).toBe("xoxb-token");
  });
});
