import { isCredentialField } from "@/lib/http";

/**
 * What run history keeps of a tool's or step's input and output: credential-bearing fields
 * redacted, and anything larger than HISTORY_VALUE_MAX_BYTES replaced by a marked, bounded preview,
 * so a 100 MB response neither fills the database nor the runner page.
 */

export const REDACTED = "[redacted]";

/** A value kept in history is at most this large (as JSON)... */
export const HISTORY_VALUE_MAX_BYTES = 64 * 1024;
/** ...and a larger one keeps this much of its JSON text as a preview. */
export const HISTORY_PREVIEW_BYTES = 16 * 1024;

export type TruncatedValue = { truncated: true; bytes: number; preview: string };

/**
 * The value with credential fields replaced by "[redacted]": any key named like a credential at
 * any depth, and the dotted paths a tool declares secret (CatalogTool.secretFields).
 */
export function redactSecrets(value: unknown, secretPaths: readonly string[] = [], path = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, secretPaths, path));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const at = path ? `${path}.${key}` : key;
      const secret = item !== undefined && item !== null && (isCredentialField(key) || secretPaths.includes(at));
      return [key, secret ? REDACTED : redactSecrets(item, secretPaths, at)];
    }),
  );
}

/** The value itself when small enough, else `{ truncated: true, bytes, preview }` with the start of its JSON. */
export function boundForHistory(value: unknown): unknown {
  const json = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(json);
  if (bytes <= HISTORY_VALUE_MAX_BYTES) return value;
  // Cutting UTF-8 bytes may split a character at the end; the preview is for reading, not parsing.
  return { truncated: true, bytes, preview: Buffer.from(json).subarray(0, HISTORY_PREVIEW_BYTES).toString("utf8") } satisfies TruncatedValue;
}

/** What history stores of a value: redacted first, then bounded. */
export function forHistory(value: unknown, secretPaths: readonly string[] = []): unknown {
  return boundForHistory(redactSecrets(value, secretPaths));
}
