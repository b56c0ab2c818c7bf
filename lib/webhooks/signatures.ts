import "server-only";
import { isUtf8 } from "node:buffer";
import { createHmac, createPublicKey, verify as verifySignature } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { SignedRequest, Verification } from "./signed-request";
import { safeEqual } from "./safe-equal";

/**
 * The signature schemes of the webhook senders besides GitHub, Stripe, Slack and Standard Webhooks
 * (lib/webhooks/verify.ts), each as its sender documents it, over the raw bytes, compared in
 * constant time, with the sender's timestamp window where the scheme signs a timestamp.
 */

export const TOLERANCE_SECONDS = {
  linear: 60,
  calendly: 180,
  workos: 180,
  mux: 300,
  box: 600,
  zoom: 300,
  hubspot: 300,
  paddle: 5,
} as const;

const missing = (header: string): Verification => ({ ok: false, status: 400, reason: `missing ${header} header` });
const invalid = (reason: string): Verification => ({ ok: false, status: 401, reason });
const MISMATCH = invalid("signature does not match the secret");

type Algorithm = "sha1" | "sha256";

function hmac(algorithm: Algorithm, secret: string, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** True when some secret's HMAC over the parts, encoded as the sender encodes it, equals one of the given signatures. */
function anyMatch(request: SignedRequest, signatures: string[], sign: (secret: string) => string): { ok: true; secret: string } | undefined {
  for (const secret of request.secrets) {
    const expected = sign(secret);
    if (signatures.some((signature) => safeEqual(signature, expected))) return { ok: true, secret };
  }
  return undefined;
}

/** `name=value` pairs of a signature header such as `t=1,v1=abc` (every value kept, for several v1 during a rotation). */
function pairs(header: string, separator: RegExp): { name: string; value: string }[] {
  return header
    .split(separator)
    .map((element) => element.trim())
    .filter(Boolean)
    .map((element) => {
      const at = element.indexOf("=");
      return at < 0 ? { name: element, value: "" } : { name: element.slice(0, at), value: element.slice(at + 1) };
    });
}

function withinWindow(timestampSeconds: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Number.isFinite(timestampSeconds) && Math.abs(nowSeconds - timestampSeconds) <= toleranceSeconds;
}

const stale = (seconds: number) => invalid(`timestamp outside the ${seconds} s tolerance`);

/** Shopify: base64 HMAC-SHA256 of the body with the app's client secret in X-Shopify-Hmac-Sha256. */
export function verifyShopify(request: SignedRequest): Verification {
  const signature = request.headers.get("x-shopify-hmac-sha256");
  if (!signature) return missing("X-Shopify-Hmac-Sha256");
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, request.body).toString("base64")) ?? MISMATCH;
}

/** Linear: hex HMAC-SHA256 of the body in Linear-Signature; the payload's webhookTimestamp (ms) within a minute. */
export function verifyLinear(request: SignedRequest): Verification {
  const signature = request.headers.get("linear-signature");
  if (!signature) return missing("Linear-Signature");
  const match = anyMatch(request, [signature], (secret) => hmac("sha256", secret, request.body).toString("hex"));
  if (!match) return MISMATCH;
  let timestampMs: unknown;
  try {
    timestampMs = (JSON.parse(request.body.toString("utf8")) as { webhookTimestamp?: unknown }).webhookTimestamp;
  } catch {
    return invalid("the body is not JSON, so it carries no webhookTimestamp");
  }
  if (typeof timestampMs !== "number") return invalid("no webhookTimestamp in the payload");
  return withinWindow(timestampMs / 1000, request.nowSeconds, TOLERANCE_SECONDS.linear) ? match : stale(TOLERANCE_SECONDS.linear);
}

/** GitLab: the secret token itself in X-Gitlab-Token (no signature; GitLab sends it as set on the hook). */
export function verifyGitLabToken(request: SignedRequest): Verification {
  const token = request.headers.get("x-gitlab-token");
  if (!token) return missing("X-Gitlab-Token");
  return request.secrets.some((secret) => safeEqual(token, secret)) ? { ok: true } : invalid("token does not match the secret");
}

/** Intercom: `sha1=` and the hex HMAC-SHA1 of the body with the app's client secret in X-Hub-Signature. */
export function verifyIntercom(request: SignedRequest): Verification {
  const signature = request.headers.get("x-hub-signature");
  if (!signature) return missing("X-Hub-Signature");
  return anyMatch(request, [signature], (secret) => `sha1=${hmac("sha1", secret, request.body).toString("hex")}`) ?? MISMATCH;
}

/** Typeform: `sha256=` and the base64 HMAC-SHA256 of the body in Typeform-Signature. */
export function verifyTypeform(request: SignedRequest): Verification {
  const signature = request.headers.get("typeform-signature");
  if (!signature) return missing("Typeform-Signature");
  return anyMatch(request, [signature], (secret) => `sha256=${hmac("sha256", secret, request.body).toString("base64")}`) ?? MISMATCH;
}

/** Sentry integrations: hex HMAC-SHA256 of the body with the client secret in Sentry-Hook-Signature. */
export function verifySentry(request: SignedRequest): Verification {
  const signature = request.headers.get("sentry-hook-signature");
  if (!signature) return missing("Sentry-Hook-Signature");
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, request.body).toString("hex")) ?? MISMATCH;
}

/** PagerDuty v3: X-PagerDuty-Signature lists `v1=<hex HMAC-SHA256 of the body>`, one per active secret. */
export function verifyPagerDuty(request: SignedRequest): Verification {
  const header = request.headers.get("x-pagerduty-signature");
  if (!header) return missing("X-PagerDuty-Signature");
  const signatures = pairs(header, /,/)
    .filter((pair) => pair.name === "v1")
    .map((pair) => `v1=${pair.value}`);
  if (signatures.length === 0) return invalid("malformed X-PagerDuty-Signature (expected v1=...)");
  return anyMatch(request, signatures, (secret) => `v1=${hmac("sha256", secret, request.body).toString("hex")}`) ?? MISMATCH;
}

/**
 * The `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">` family (Calendly, WorkOS, Mux), each with
 * its own header, timestamp unit and window.
 */
function verifyTimestampedV1(request: SignedRequest, header: string, unit: "s" | "ms", toleranceSeconds: number): Verification {
  const value = request.headers.get(header);
  if (!value) return missing(header);
  const elements = pairs(value, /,/);
  const timestamp = elements.find((pair) => pair.name === "t")?.value ?? "";
  const signatures = elements.filter((pair) => pair.name === "v1").map((pair) => pair.value);
  if (!/^\d{1,16}$/.test(timestamp) || signatures.length === 0) return invalid(`malformed ${header} (expected t=... and v1=...)`);
  if (!withinWindow(Number(timestamp) / (unit === "ms" ? 1000 : 1), request.nowSeconds, toleranceSeconds)) return stale(toleranceSeconds);
  return anyMatch(request, signatures, (secret) => hmac("sha256", secret, `${timestamp}.`, request.body).toString("hex")) ?? MISMATCH;
}

export const verifyCalendly = (request: SignedRequest) => verifyTimestampedV1(request, "Calendly-Webhook-Signature", "s", TOLERANCE_SECONDS.calendly);
export const verifyWorkOS = (request: SignedRequest) => verifyTimestampedV1(request, "WorkOS-Signature", "ms", TOLERANCE_SECONDS.workos);
export const verifyMux = (request: SignedRequest) => verifyTimestampedV1(request, "Mux-Signature", "s", TOLERANCE_SECONDS.mux);

/** Razorpay: hex HMAC-SHA256 of the body in X-Razorpay-Signature. */
export function verifyRazorpay(request: SignedRequest): Verification {
  const signature = request.headers.get("x-razorpay-signature");
  if (!signature) return missing("X-Razorpay-Signature");
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, request.body).toString("hex")) ?? MISMATCH;
}

/**
 * Box: base64 HMAC-SHA256 of the body followed by Box-Delivery-Timestamp, once with the primary key
 * (Box-Signature-Primary) and once with the secondary (Box-Signature-Secondary); deliveries older
 * than ten minutes are refused.
 */
export function verifyBox(request: SignedRequest): Verification {
  const timestamp = request.headers.get("box-delivery-timestamp");
  if (!timestamp) return missing("Box-Delivery-Timestamp");
  const signatures = [request.headers.get("box-signature-primary"), request.headers.get("box-signature-secondary")].filter((value): value is string =>
    Boolean(value),
  );
  if (signatures.length === 0) return missing("Box-Signature-Primary");
  if (request.headers.get("box-signature-algorithm") !== "HmacSHA256" || request.headers.get("box-signature-version") !== "1") {
    return invalid("unknown Box-Signature-Algorithm or Box-Signature-Version");
  }
  if (!withinWindow(Date.parse(timestamp) / 1000, request.nowSeconds, TOLERANCE_SECONDS.box)) return stale(TOLERANCE_SECONDS.box);
  return anyMatch(request, signatures, (secret) => hmac("sha256", secret, request.body, timestamp).toString("base64")) ?? MISMATCH;
}

/** Dropbox: hex HMAC-SHA256 of the body with the app secret in X-Dropbox-Signature. */
export function verifyDropbox(request: SignedRequest): Verification {
  const signature = request.headers.get("x-dropbox-signature");
  if (!signature) return missing("X-Dropbox-Signature");
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, request.body).toString("hex")) ?? MISMATCH;
}

/** Zoom: `v0=` and the hex HMAC-SHA256 of `v0:<x-zm-request-timestamp>:<body>` with the app's secret token. */
export function verifyZoom(request: SignedRequest): Verification {
  const signature = request.headers.get("x-zm-signature");
  const timestamp = request.headers.get("x-zm-request-timestamp");
  if (!signature) return missing("x-zm-signature");
  if (!timestamp) return missing("x-zm-request-timestamp");
  if (!/^\d{1,12}$/.test(timestamp)) return invalid("malformed x-zm-request-timestamp");
  if (!withinWindow(Number(timestamp), request.nowSeconds, TOLERANCE_SECONDS.zoom)) return stale(TOLERANCE_SECONDS.zoom);
  return anyMatch(request, [signature], (secret) => `v0=${hmac("sha256", secret, `v0:${timestamp}:`, request.body).toString("hex")}`) ?? MISMATCH;
}

/** HubSpot v3: base64 HMAC-SHA256 of method + URI + body + X-HubSpot-Request-Timestamp (ms) with the client secret; five minutes. */
export function verifyHubSpot(request: SignedRequest): Verification {
  const url = request.url;
  if (!url) return invalid("the URL this was sent to is not known, and the signature covers it");
  const signature = request.headers.get("x-hubspot-signature-v3");
  const timestamp = request.headers.get("x-hubspot-request-timestamp");
  if (!signature) return missing("X-HubSpot-Signature-v3");
  if (!timestamp) return missing("X-HubSpot-Request-Timestamp");
  if (!/^\d{1,16}$/.test(timestamp)) return invalid("malformed X-HubSpot-Request-Timestamp");
  if (!withinWindow(Number(timestamp) / 1000, request.nowSeconds, TOLERANCE_SECONDS.hubspot)) return stale(TOLERANCE_SECONDS.hubspot);
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, `POST${url}`, request.body, timestamp).toString("base64")) ?? MISMATCH;
}

/** Square: base64 HMAC-SHA256 of the notification URL followed by the body, with the subscription's signature key. */
export function verifySquare(request: SignedRequest): Verification {
  const url = request.url;
  if (!url) return invalid("the URL this was sent to is not known, and the signature covers it");
  const signature = request.headers.get("x-square-hmacsha256-signature");
  if (!signature) return missing("x-square-hmacsha256-signature");
  return anyMatch(request, [signature], (secret) => hmac("sha256", secret, url, request.body).toString("base64")) ?? MISMATCH;
}

/**
 * Twilio: base64 HMAC-SHA1, with the Auth Token, of the full URL followed by each POST parameter's
 * name and value, sorted by name (form bodies; Twilio signs a JSON body's hash in the URL instead).
 */
export function verifyTwilio(request: SignedRequest): Verification {
  const url = request.url;
  if (!url) return invalid("the URL this was sent to is not known, and the signature covers it");
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) return missing("X-Twilio-Signature");
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return invalid("Twilio signs form-encoded requests; this one is not");
  }
  if (!isUtf8(request.body)) return invalid("the body is not UTF-8, so it is not what Twilio signed");
  const parameters = [...new URLSearchParams(request.body.toString("utf8"))].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const data = url + parameters.map(([name, value]) => name + value).join("");
  return anyMatch(request, [signature], (secret) => hmac("sha1", secret, data).toString("base64")) ?? MISMATCH;
}

/** Paddle Billing: Paddle-Signature `ts=<s>;h1=<hex HMAC-SHA256 of "<ts>:<body>">` (several h1 while a secret rotates). */
export function verifyPaddle(request: SignedRequest): Verification {
  const header = request.headers.get("paddle-signature");
  if (!header) return missing("Paddle-Signature");
  const elements = pairs(header, /;/);
  const timestamp = elements.find((pair) => pair.name === "ts")?.value ?? "";
  const signatures = elements.filter((pair) => pair.name === "h1").map((pair) => pair.value);
  if (!/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return invalid("malformed Paddle-Signature (expected ts=...;h1=...)");
  if (!withinWindow(Number(timestamp), request.nowSeconds, TOLERANCE_SECONDS.paddle)) return stale(TOLERANCE_SECONDS.paddle);
  return anyMatch(request, signatures, (secret) => hmac("sha256", secret, `${timestamp}:`, request.body).toString("hex")) ?? MISMATCH;
}

/** Discord interactions: Ed25519 over X-Signature-Timestamp followed by the body, with the application's public key (hex). */
export function verifyDiscord(request: SignedRequest): Verification {
  const signature = request.headers.get("x-signature-ed25519");
  const timestamp = request.headers.get("x-signature-timestamp");
  if (!signature) return missing("X-Signature-Ed25519");
  if (!timestamp) return missing("X-Signature-Timestamp");
  if (!/^[0-9a-f]{128}$/i.test(signature)) return invalid("malformed X-Signature-Ed25519 (expected 128 hex digits)");
  const data = Buffer.concat([Buffer.from(timestamp), request.body]);
  for (const secret of request.secrets) {
    if (!/^[0-9a-f]{64}$/i.test(secret)) continue;
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(secret, "hex").toString("base64url") }, format: "jwk" });
    if (verifySignature(null, data, key, Buffer.from(signature, "hex"))) return { ok: true, secret };
  }
  return MISMATCH;
}

/**
 * SendGrid's Signed Event Webhook: an ECDSA (P-256, SHA-256) signature, base64 DER, over the
 * timestamp header followed by the body, checked with the verification key (base64 DER SPKI).
 */
export function verifySendGrid(request: SignedRequest): Verification {
  const signature = request.headers.get("x-twilio-email-event-webhook-signature");
  const timestamp = request.headers.get("x-twilio-email-event-webhook-timestamp");
  if (!signature) return missing("X-Twilio-Email-Event-Webhook-Signature");
  if (!timestamp) return missing("X-Twilio-Email-Event-Webhook-Timestamp");
  const data = Buffer.concat([Buffer.from(timestamp), request.body]);
  for (const secret of request.secrets) {
    let key;
    try {
      key = createPublicKey({ key: Buffer.from(secret, "base64"), format: "der", type: "spki" });
    } catch {
      continue;
    }
    if (verifySignature("sha256", data, key, Buffer.from(signature, "base64"))) return { ok: true, secret };
  }
  return MISMATCH;
}

/** Svix (Resend, Clerk, ...): the Standard Webhooks signature under svix-* header names, checked by the standardwebhooks library. */
export function verifySvix(request: SignedRequest): Verification {
  for (const name of ["svix-id", "svix-timestamp", "svix-signature"]) {
    if (!request.headers.get(name)) return missing(name);
  }
  if (!isUtf8(request.body)) return invalid("the body is not UTF-8, so it is not what the sender signed");
  const required = {
    "webhook-id": request.headers.get("svix-id")!,
    "webhook-timestamp": request.headers.get("svix-timestamp")!,
    "webhook-signature": request.headers.get("svix-signature")!,
  };
  let reason = "signature does not match the secret";
  for (const secret of request.secrets) {
    try {
      new StandardWebhook(secret).verify(request.body, required, { jsonParse: false });
      return { ok: true, secret };
    } catch (error) {
      const message = (error as Error).message ?? "";
      if (/timestamp/i.test(message)) return invalid(`stale or future svix-timestamp (${message})`);
      if (/base64|secret/i.test(message)) reason = "the secret is not a valid whsec_ secret";
    }
  }
  return invalid(reason);
}

/**
 * What a sender's handshake wants back instead of the usual acknowledgement, once the request is
 * verified: Discord's PING gets `{"type":1}`, Zoom's endpoint.url_validation the plain token and its
 * HMAC, Slack's url_verification its challenge. Undefined: an ordinary delivery.
 */
export function handshakeAnswer(scheme: string, payload: unknown, secret: string | undefined): unknown {
  if (typeof payload !== "object" || payload === null) return undefined;
  const body = payload as Record<string, unknown>;
  if (scheme === "discord" && body.type === 1) return { type: 1 };
  if (scheme === "zoom" && body.event === "endpoint.url_validation" && secret) {
    const plainToken = String((body.payload as { plainToken?: unknown } | undefined)?.plainToken ?? "");
    return { plainToken, encryptedToken: hmac("sha256", secret, plainToken).toString("hex") };
  }
  if (body.type === "url_verification") return { challenge: String(body.challenge ?? "") };
  return undefined;
}
