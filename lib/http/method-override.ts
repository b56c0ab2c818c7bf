/**
 * Headers by which many server frameworks let a request act as another method (a GET or POST that
 * the service treats as a DELETE). Patchbay never sends them: whether a call writes, and so whether
 * it needs approval or a write-scoped token, is decided from its method alone.
 */
const METHOD_OVERRIDE_HEADERS = ["x-http-method-override", "x-http-method", "x-method-override"];

export function isMethodOverrideHeader(name: string): boolean {
  return METHOD_OVERRIDE_HEADERS.includes(name.trim().toLowerCase());
}

export const METHOD_OVERRIDE_REFUSAL = "X-HTTP-Method-Override, X-HTTP-Method and X-Method-Override are not sent: choose the method itself";

/** A request carried a method-override header; nothing was sent. */
export class MethodOverrideError extends Error {
  override name = "MethodOverrideError";
}

/** Throws before anything is sent when a header would change the method the service acts on. */
export function assertNoMethodOverride(headers: Record<string, string> | undefined): void {
  const found = Object.keys(headers ?? {}).find(isMethodOverrideHeader);
  if (found) throw new MethodOverrideError(`Refused: the ${found} header is not sent (${METHOD_OVERRIDE_REFUSAL}).`);
}
