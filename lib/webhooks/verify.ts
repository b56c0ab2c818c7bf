import "server-only";
import { isUtf8 } from "node:buffer";
import { createHmac } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import type { WebhookScheme } from "@/lib/providers";
import { safeEqual } from "./safe-equal";
import type { SignedRequest, Verification } from "./signed-request";
import * as signatures from "./signatures";

export { safeEqual } from "./safe-equal";

export type { SignedRequest, Verification } from "./signed-request";

export const STRIPE_TOLERANCE_SECONDS = 300;
export const SLACK_TOLERANCE_SECONDS = 300;

const missing = (header: string): Verification => ({ ok: false, status: 400, reason: `missing ${header} header` });
const invalid = (reason: string): Verification => ({ ok: false, status: 401, reason });

/** HMAC-SHA256 over the raw bytes (not a decoded string, so a body that is not UTF-8 still verifies), current secret first. */
function verifyGitHub({ body, headers, secrets }: SignedRequest): Verification {
  const signature = headers.get("x-hub-signature-256");
  if (!signature) return missing("X-Hub-Signature-256");
  if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return invalid("malformed X-Hub-Signature-256 (expected sha256= and 64 hex digits)");
  const valid = secrets.some((secret) => safeEqual(signature, `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`));
  return valid ? { ok: true } : invalid("signature does not match the secret");
}

/**
 * The timestamp Stripe's library checks the signature against, read as its parseHeader reads it:
 * the last element named exactly `t`, through parseInt. Reading any other (the first `t=`) would let
 * `t=<now>,t=<tomorrow>,v1=<signature over tomorrow>` pass a check of the wrong one.
 */
function stripeSignedTimestamp(header: string): number {
  let timestamp = Number.NaN;
  for (const element of header.split(",")) {
    const [key, value] = element.split("=");
    if (key === "t") timestamp = Number.parseInt(value ?? "", 10);
  }
  return timestamp;
}

function verifyStripe({ body, headers, secrets, nowSeconds }: SignedRequest): Verification {
  const header = headers.get("stripe-signature");
  if (!header) return missing("Stripe-Signature");
  if (!isUtf8(body)) return invalid("the body is not UTF-8, so it is not what Stripe signed");
  let lastReason = "signature does not match the secret";
  for (const secret of secrets) {
    try {
      // verifyHeader, not constructEvent: constructEvent also JSON-parses, which would turn a validly
      // signed but unparseable body into "signature does not match" (the intake answers that one 400).
      Stripe.webhooks.signature.verifyHeader(body.toString("utf8"), header, secret, STRIPE_TOLERANCE_SECONDS);
      // Stripe's library only refuses old timestamps (and none that does not parse); the rest is refused here.
      const timestamp = stripeSignedTimestamp(header);
      if (!(Math.abs(timestamp - nowSeconds) <= STRIPE_TOLERANCE_SECONDS)) return invalid(`timestamp outside the ${STRIPE_TOLERANCE_SECONDS} s tolerance`);
      return { ok: true };
    } catch (error) {
      const message = (error as Error).message ?? "";
      if (/tolerance/i.test(message)) return invalid(`timestamp outside the ${STRIPE_TOLERANCE_SECONDS} s tolerance`);
      if (/Unable to extract timestamp and signatures/i.test(message)) lastReason = "malformed Stripe-Signature header";
    }
  }
  return invalid(lastReason);
}

function verifySlack({ body, headers, secrets, nowSeconds }: SignedRequest): Verification {
  const signature = headers.get("x-slack-signature");
  const timestamp = headers.get("x-slack-request-timestamp");
  if (!signature) return missing("X-Slack-Signature");
  if (!timestamp) return missing("X-Slack-Request-Timestamp");
  if (!/^\d{1,12}$/.test(timestamp)) return invalid("malformed X-Slack-Request-Timestamp");
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) return invalid("timestamp outside the 5-minute window");
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return invalid("malformed X-Slack-Signature (expected v0= and 64 hex digits)");
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]);
  const valid = secrets.some((secret) => safeEqual(signature, `v0=${createHmac("sha256", secret).update(base).digest("hex")}`));
  return valid ? { ok: true } : invalid("signature does not match the secret");
}

function verifyStandard({ body, headers, secrets }: SignedRequest): Verification {
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    if (!headers.get(name)) return missing(name);
  }
  if (!isUtf8(body)) return invalid("the body is not UTF-8, so it is not what the sender signed");
  const required = {
    "webhook-id": headers.get("webhook-id")!,
    "webhook-timestamp": headers.get("webhook-timestamp")!,
    "webhook-signature": headers.get("webhook-signature")!,
  };
  let reason = "signature does not match the secret";
  for (const secret of secrets) {
    try {
      // jsonParse: false, so a validly signed body that is not JSON is not mistaken for a bad signature.
      new StandardWebhook(secret).verify(body, required, { jsonParse: false });
      return { ok: true };
    } catch (error) {
      const message = (error as Error).message ?? "";
      if (/timestamp/i.test(message)) return invalid(`stale or future webhook-timestamp (${message})`);
      if (/base64|secret/i.test(message)) reason = "the endpoint secret is not a valid whsec_ secret";
    }
  }
  return invalid(reason);
}

/** Verifies the raw bytes against the scheme before anything parses them. */
export async function verifyDelivery(scheme: WebhookScheme, request: SignedRequest): Promise<Verification> {
  if (request.secrets.length === 0) return invalid("no signing secret is configured");
  switch (scheme) {
    case "github-hmac-sha256":
      return verifyGitHub(request);
    case "stripe":
      return verifyStripe(request);
    case "slack-v0":
      return verifySlack(request);
    case "standard-webhooks":
      return verifyStandard(request);
    case "svix":
      return signatures.verifySvix(request);
    case "shopify":
      return signatures.verifyShopify(request);
    case "linear":
      return signatures.verifyLinear(request);
    case "gitlab-token":
      return signatures.verifyGitLabToken(request);
    case "intercom":
      return signatures.verifyIntercom(request);
    case "typeform":
      return signatures.verifyTypeform(request);
    case "sentry":
      return signatures.verifySentry(request);
    case "pagerduty":
      return signatures.verifyPagerDuty(request);
    case "calendly":
      return signatures.verifyCalendly(request);
    case "workos":
      return signatures.verifyWorkOS(request);
    case "mux":
      return signatures.verifyMux(request);
    case "razorpay":
      return signatures.verifyRazorpay(request);
    case "box":
      return signatures.verifyBox(request);
    case "dropbox":
      return signatures.verifyDropbox(request);
    case "zoom":
      return signatures.verifyZoom(request);
    case "hubspot-v3":
      return signatures.verifyHubSpot(request);
    case "square":
      return signatures.verifySquare(request);
    case "twilio":
      return signatures.verifyTwilio(request);
    case "paddle":
      return signatures.verifyPaddle(request);
    case "discord":
      return signatures.verifyDiscord(request);
    case "sendgrid":
      return signatures.verifySendGrid(request);
  }
}
