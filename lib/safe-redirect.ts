/**
 * A return path is accepted only when it is a same-origin relative path: it starts with one "/",
 * not "//" or "/\" (protocol-relative), and carries no scheme or control characters.
 */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  try {
    const parsed = new URL(value, "http://patchbay.invalid");
    if (parsed.origin !== "http://patchbay.invalid") return fallback;
    return parsed.pathname + parsed.search + parsed.hash;
  } catch {
    return fallback;
  }
}
