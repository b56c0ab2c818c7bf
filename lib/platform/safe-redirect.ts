const BASE = "http://patchbay.invalid";

/** "//host" and "/\host" are protocol-relative: a browser leaves the origin for them. */
function leavesOrigin(path: string): boolean {
  return !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\");
}

/** The path as a server or browser might decode it once more; undefined when it is not valid percent-encoding. */
function decodedOnce(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * A return path is accepted only when it is a same-origin relative path. The check runs on what
 * is returned, after URL normalisation: "/.//evil.example", "/..//evil.example" and
 * "/%2e//evil.example" all normalise to "//evil.example", which a browser reads as another host.
 * Control characters and backslashes are refused in the raw value (the URL parser drops tabs and
 * newlines and turns "\" into "/"), and a path that would leave the origin once percent-decoded is
 * refused too, in case something downstream decodes it.
 */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (leavesOrigin(value) || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (parsed.origin !== BASE) return fallback;
  const path = parsed.pathname + parsed.search + parsed.hash;
  if (leavesOrigin(path)) return fallback;
  const decodedPath = decodedOnce(parsed.pathname);
  if (decodedPath === undefined || leavesOrigin(decodedPath)) return fallback;
  return path;
}
