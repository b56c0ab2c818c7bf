import { createHmac } from "node:crypto";
import { sign as signGitHub } from "@octokit/webhooks-methods";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";

/** Senders' side of each scheme, using the providers' own libraries where they have one. */
export async function githubHeaders(secret: string, body: string, event = "push", delivery = crypto.randomUUID()): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": delivery,
    "x-github-hook-id": "123456",
    "x-hub-signature-256": await signGitHub(secret, body),
    "user-agent": "GitHub-Hookshot/test",
  };
}

export function stripeHeaders(secret: string, body: string, timestamp?: number): Record<string, string> {
  return {
    "content-type": "application/json",
    "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
  };
}

export function slackHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "content-type": "application/json", "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) };
}

export function standardHeaders(secret: string, body: string, id = `msg_${crypto.randomUUID()}`, at = new Date()): Record<string, string> {
  const signature = new StandardWebhook(secret).sign(id, at, body);
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}

export { pushPayload } from "./push-payload";
