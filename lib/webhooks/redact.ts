/** Headers whose values are secrets or signatures: stored and shown as "[redacted]". */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-hub-signature",
  "x-hub-signature-256",
  "stripe-signature",
  "x-slack-signature",
  "webhook-signature",
  "svix-signature",
  "x-api-key",
]);

export const REDACTED = "[redacted]";

export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = SECRET_HEADERS.has(name) || /secret|token|signature/i.test(name) ? REDACTED : value.slice(0, 2048);
  });
  return result;
}
