/**
 * Whether running a tool changes something at the service: an agent asks the person before a write.
 * `{ methodField }` is for tools whose input names the HTTP method: GET and HEAD read, others write.
 */
export type ToolAccess = "read" | "write" | { methodField: string };

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Whether this call writes; a tool whose method comes with the input reads only for GET and HEAD (its default is GET). */
export function writesWith(access: ToolAccess, input: unknown): boolean {
  if (typeof access === "string") return access === "write";
  const method = (input as Record<string, unknown> | undefined)?.[access.methodField] ?? "GET";
  return typeof method !== "string" || !READ_METHODS.has(method.toUpperCase());
}

/** Whether some call of this tool may write. */
export function mayWrite(access: ToolAccess): boolean {
  return access !== "read";
}

/** An HTTP operation with a fixed method: GET and HEAD read, everything else writes. */
export function accessOfMethod(method: string): ToolAccess {
  return READ_METHODS.has(method.toUpperCase()) ? "read" : "write";
}

/**
 * The host (host:port) a call goes to when its input names the URL in `destinationField`
 * (api-call's endpoint), null for a tool whose destination is fixed. Input that is no URL answers
 * its own text, which is never an approved host.
 */
export function destinationHost(destinationField: string | undefined, input: unknown): string | null {
  if (!destinationField) return null;
  const value = (input as Record<string, unknown> | undefined)?.[destinationField];
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return URL.canParse(text) ? new URL(text).host : text;
}
