import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { env } from "@/lib/platform";

/**
 * Sealed secrets: AES-256-GCM with a random 12-byte IV, the owning row's identity as associated
 * data (a sealed value copied to another row or column fails to open), and the id of the key that
 * sealed it, so keys can rotate. Format: v1.<keyId>.<iv>.<ciphertext>.<tag>, base64url parts.
 */

export type SealKey = { id: string; key: Buffer };
export type KeyRing = { current: SealKey; previous: SealKey[] };
/** Where a sealed value lives: it can only be opened there. */
export type SealContext = { table: string; column: string; id: string };

export class SealError extends Error {
  override name = "SealError";
}

const VERSION = "v1";
const IV_BYTES = 12;
/** GCM's full tag. Node would otherwise accept a tag cut to as little as 4 bytes, which is far easier to forge. */
const TAG_BYTES = 16;

export function sealKeyFromBase64(encoded: string): SealKey {
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32) throw new SealError("an encryption key must be base64 of 32 bytes");
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 12), key };
}

export function createKeyRing(current: string, previous: string[] = []): KeyRing {
  return { current: sealKeyFromBase64(current), previous: previous.map(sealKeyFromBase64) };
}

function associatedData({ table, column, id }: SealContext): Buffer {
  return Buffer.from(`patchbay:${VERSION}:${table}:${column}:${id}`, "utf8");
}

export function seal(ring: KeyRing, plaintext: string, context: SealContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.current.id, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

/** Base64url as seal writes it, and nothing else: a changed padding bit or a stray character is not the same value. */
function canonicalBase64url(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

export function unseal(ring: KeyRing, sealed: string, context: SealContext): string {
  const malformed = () => new SealError(`sealed value for ${context.table}.${context.column} is malformed`);
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw malformed();
  const [, keyId] = parts as [string, string];
  const [iv, ciphertext, tag] = parts.slice(2).map(canonicalBase64url);
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw malformed();
  const key = [ring.current, ...ring.previous].find((candidate) => candidate.id === keyId);
  if (!key) {
    throw new SealError(
      `sealed value for ${context.table}.${context.column} uses key ${keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_PREVIOUS_KEYS`,
    );
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch (cause) {
    throw new SealError(`sealed value for ${context.table}.${context.column} failed authentication (tampered, or moved from another row)`, { cause });
  }
}

/** Opens with any known key and seals again with the current one. */
export function reseal(ring: KeyRing, sealed: string, context: SealContext): string {
  return seal(ring, unseal(ring, sealed, context), context);
}

export function isSealedWithCurrentKey(ring: KeyRing, sealed: string): boolean {
  return sealedKeyId(sealed) === ring.current.id;
}

let cachedRing: KeyRing | undefined;

/** The key ring from ENCRYPTION_KEY and ENCRYPTION_PREVIOUS_KEYS. */
export function keyRing(): KeyRing {
  cachedRing ??= createKeyRing(env().ENCRYPTION_KEY, env().ENCRYPTION_PREVIOUS_KEYS);
  return cachedRing;
}

export function resetKeyRingCache(): void {
  cachedRing = undefined;
}
