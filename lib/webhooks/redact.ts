import { CLIENT_ADDRESS_HEADER } from "@/lib/auth";
import type { RequestHeaders } from "./signed-request";

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

/** The headers stored with a delivery: secrets redacted, and server.ts's internal client-address stamp left out. */
export function redactHeaders(headers: RequestHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === CLIENT_ADDRESS_HEADER) return;
    result[name] = SECRET_HEADERS.has(name) || /secret|token|signature/i.test(name) ? REDACTED : value.slice(0, 2048);
  });
  return result;
}

/** Headers stored before intake left out server.ts's client-address stamp, without it. */
export function withoutInternalHeaders(headers: Record<string, string>): Record<string, string> {
  if (!(CLIENT_ADDRESS_HEADER in headers)) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== CLIENT_ADDRESS_HEADER));
}
