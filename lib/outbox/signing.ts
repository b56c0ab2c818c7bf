import "server-only";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { keyRing, seal, unseal } from "@/lib/crypto";

/** A new Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function sealSigningSecret(table: "forward_destinations" | "alert_channels", id: string, secret: string): string {
  return seal(keyRing(), secret, { table, column: "secret", id });
}

export function unsealSigningSecret(table: "forward_destinations" | "alert_channels", id: string, sealed: string): string {
  return unseal(keyRing(), sealed, { table, column: "secret", id });
}

/** The three Standard Webhooks headers for one message; the id stays the same on every attempt. */
export function standardWebhookHeaders(secret: string, messageId: string, payload: string, at = new Date()): Record<string, string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, at, payload),
  };
}
