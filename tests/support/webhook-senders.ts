import { createHmac, generateKeyPairSync, sign as signAsymmetric, type KeyObject } from "node:crypto";
import { Signature as HubSpotSignature } from "@hubspot/api-client/lib/src/utils/signature";
import { LinearWebhookClient } from "@linear/sdk/webhooks";
import Mux from "@mux/mux-node";
import { NodeRuntime as PaddleNodeRuntime, Webhooks as PaddleWebhooks } from "@paddle/paddle-node-sdk";
import { EventWebhook } from "@sendgrid/eventwebhook";
import { WorkOS } from "@workos-inc/node";
import { verifyKey as discordVerifyKey } from "discord-interactions";
import Razorpay from "razorpay";
import { WebhooksHelper as SquareWebhooks } from "square";
import { Webhook as SvixWebhook } from "svix";
import twilio from "twilio";

/**
 * The senders' side of each webhook source: how the real sender signs a delivery (with the
 * provider's own library where it has one that signs), and, where the provider publishes a
 * verifier, that verifier's verdict, so each scheme as read in lib/webhooks/signatures.ts is checked
 * against the provider's code and not only against our reading of its docs.
 */

export type SigningKey = { secret: string; signWith: string | KeyObject };

export type Sender = {
  id: string;
  /** Two different keys: deliveries signed with `other` must be refused. */
  key: SigningKey;
  other: SigningKey;
  contentType: string;
  body: () => string;
  /** The signed delivery's headers, at `at` (seconds since the epoch). */
  sign: (key: SigningKey, body: string, at: number) => Promise<Record<string, string>>;
  /** The sender's timestamp window, when its scheme signs a timestamp. */
  toleranceSeconds?: number;
  /** The provider's own verifier, where it publishes one: does it accept this delivery? */
  official?: (key: SigningKey, body: string, headers: Record<string, string>, url: string) => Promise<boolean>;
  /** The event name intake should read from the delivery. */
  event: string | null;
};

export const APP_URL = "http://localhost:3000";
export const webhookUrl = (id: string) => `${APP_URL}/api/webhooks/${id}`;

const hmacKey = (secret: string): SigningKey => ({ secret, signWith: secret });
const hex = (algorithm: "sha1" | "sha256", secret: string, ...parts: (string | Buffer)[]) =>
  parts.reduce((mac, part) => mac.update(part), createHmac(algorithm, secret)).digest("hex");
const b64 = (algorithm: "sha1" | "sha256", secret: string, ...parts: (string | Buffer)[]) =>
  parts.reduce((mac, part) => mac.update(part), createHmac(algorithm, secret)).digest("base64");
const secretOf = (key: SigningKey) => key.signWith as string;

function ed25519Key(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return { secret: raw.toString("hex"), signWith: privateKey };
}

function ecdsaKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { secret: publicKey.export({ format: "der", type: "spki" }).toString("base64"), signWith: privateKey };
}

const svixSecret = () => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;

function svixSender(id: string, event: string): Sender {
  return {
    id,
    key: hmacKey(svixSecret()),
    other: hmacKey(svixSecret()),
    contentType: "application/json",
    body: () => JSON.stringify({ type: event, created_at: "2026-12-06T07:00:00.000Z", data: { id: "obj_1" } }),
    sign: async (key, body, at) => {
      const messageId = `msg_${crypto.randomUUID()}`;
      return {
        "svix-id": messageId,
        "svix-timestamp": String(at),
        "svix-signature": new SvixWebhook(secretOf(key)).sign(messageId, new Date(at * 1000), body),
      };
    },
    toleranceSeconds: 300,
    official: async (key, body, headers) => {
      try {
        new SvixWebhook(secretOf(key)).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    },
    event,
  };
}

const workos = new WorkOS("sk_test_patchbay");
const mux = new Mux({ tokenId: "test", tokenSecret: "test" });
// What \`new Paddle(apiKey)\` does first: Paddle's verifier computes its HMAC through the runtime it was given.
PaddleNodeRuntime.initialize();
const paddle = new PaddleWebhooks();

export const senders: Sender[] = [
  {
    id: "shopify",
    key: hmacKey("shpss_app_secret_1"),
    other: hmacKey("shpss_app_secret_2"),
    contentType: "application/json",
    body: () => JSON.stringify({ id: 820982911946154500, email: "jon@example.com", total_price: "403.00" }),
    sign: async (key, body) => ({
      "x-shopify-topic": "orders/create",
      "x-shopify-hmac-sha256": b64("sha256", secretOf(key), body),
      "x-shopify-shop-domain": "acme.myshopify.com",
      "x-shopify-webhook-id": crypto.randomUUID(),
    }),
    event: "orders/create",
  },
  {
    id: "linear",
    key: hmacKey("lin_wh_secret_1"),
    other: hmacKey("lin_wh_secret_2"),
    contentType: "application/json",
    body: () => JSON.stringify({ action: "create", type: "Issue", data: { id: "issue-1", title: "Bug" }, webhookTimestamp: Date.now() }),
    sign: async (key, body) => ({ "linear-event": "Issue", "linear-delivery": crypto.randomUUID(), "linear-signature": hex("sha256", secretOf(key), body) }),
    // The timestamp Linear signs is in the body; the tests make stale bodies themselves.
    official: async (key, body, headers) => {
      try {
        return new LinearWebhookClient(secretOf(key)).verify(Buffer.from(body), headers["linear-signature"]!, JSON.parse(body).webhookTimestamp);
      } catch {
        return false;
      }
    },
    event: "Issue",
  },
  {
    id: "twilio",
    key: hmacKey("twilio_auth_token_1"),
    other: hmacKey("twilio_auth_token_2"),
    contentType: "application/x-www-form-urlencoded",
    body: () =>
      new URLSearchParams({ MessageSid: "SM1234", From: "+15005550006", To: "+15005550001", Body: "Hello & welcome", SmsStatus: "received" }).toString(),
    sign: async (key, body) => ({
      "x-twilio-signature": twilio.getExpectedTwilioSignature(secretOf(key), webhookUrl("twilio"), Object.fromEntries(new URLSearchParams(body))),
      "i-twilio-idempotency-token": crypto.randomUUID(),
    }),
    official: async (key, body, headers, url) =>
      twilio.validateRequest(secretOf(key), headers["x-twilio-signature"]!, url, Object.fromEntries(new URLSearchParams(body))),
    event: "received",
  },
  {
    id: "discord",
    key: ed25519Key(),
    other: ed25519Key(),
    contentType: "application/json",
    body: () => JSON.stringify({ id: String(Date.now()), type: 2, application_id: "1", data: { name: "hello" }, token: "interaction-token" }),
    sign: async (key, body, at) => ({
      "x-signature-timestamp": String(at),
      "x-signature-ed25519": signAsymmetric(null, Buffer.from(String(at) + body), key.signWith as KeyObject).toString("hex"),
    }),
    official: async (key, body, headers) => discordVerifyKey(body, headers["x-signature-ed25519"]!, headers["x-signature-timestamp"]!, key.secret),
    event: "2",
  },
  {
    id: "hubspot",
    key: hmacKey("hubspot-client-secret-1"),
    other: hmacKey("hubspot-client-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify([{ eventId: 100, subscriptionId: 25, portalId: 33, occurredAt: 1, subscriptionType: "contact.creation", objectId: 123 }]),
    sign: async (key, body, at) => {
      const timestamp = at * 1000;
      return {
        "x-hubspot-request-timestamp": String(timestamp),
        "x-hubspot-signature-v3": HubSpotSignature.getSignature("POST", "v3", {
          signature: "",
          clientSecret: secretOf(key),
          requestBody: body,
          url: webhookUrl("hubspot"),
          timestamp,
        }),
      };
    },
    toleranceSeconds: 300,
    official: async (key, body, headers, url) => {
      try {
        return HubSpotSignature.isValid({
          signatureVersion: "v3",
          signature: headers["x-hubspot-signature-v3"]!,
          clientSecret: secretOf(key),
          requestBody: body,
          url,
          timestamp: Number(headers["x-hubspot-request-timestamp"]),
        });
      } catch {
        return false;
      }
    },
    event: "contact.creation",
  },
  {
    id: "paddle",
    key: hmacKey("pdl_ntfset_01secret_1"),
    other: hmacKey("pdl_ntfset_01secret_2"),
    contentType: "application/json",
    body: () =>
      JSON.stringify({
        event_id: `evt_${Date.now()}`,
        event_type: "transaction.completed",
        occurred_at: "2026-12-06T07:00:00Z",
        notification_id: "ntf_1",
        data: {},
      }),
    sign: async (key, body, at) => ({ "paddle-signature": `ts=${at};h1=${hex("sha256", secretOf(key), `${at}:`, body)}` }),
    toleranceSeconds: 5,
    official: async (key, body, headers) => paddle.isSignatureValid(body, secretOf(key), headers["paddle-signature"]!),
    event: "transaction.completed",
  },
  {
    id: "square",
    key: hmacKey("square-signature-key-1"),
    other: hmacKey("square-signature-key-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ merchant_id: "M1", type: "payment.created", event_id: crypto.randomUUID(), created_at: "2026-12-06T07:00:00Z", data: {} }),
    sign: async (key, body) => ({ "x-square-hmacsha256-signature": b64("sha256", secretOf(key), webhookUrl("square"), body) }),
    official: async (key, body, headers, url) =>
      SquareWebhooks.verifySignature({
        requestBody: body,
        signatureHeader: headers["x-square-hmacsha256-signature"]!,
        signatureKey: secretOf(key),
        notificationUrl: url,
      }),
    event: "payment.created",
  },
  {
    id: "sendgrid",
    key: ecdsaKey(),
    other: ecdsaKey(),
    contentType: "application/json",
    body: () => JSON.stringify([{ email: "a@example.com", timestamp: 1, event: "delivered", sg_event_id: crypto.randomUUID(), sg_message_id: "m1" }]),
    sign: async (key, body, at) => ({
      "x-twilio-email-event-webhook-timestamp": String(at),
      "x-twilio-email-event-webhook-signature": signAsymmetric("sha256", Buffer.from(String(at) + body), key.signWith as KeyObject).toString("base64"),
    }),
    official: async (key, body, headers) => {
      const events = new EventWebhook();
      return events.verifySignature(
        events.convertPublicKeyToECDSA(key.secret),
        body,
        headers["x-twilio-email-event-webhook-signature"]!,
        headers["x-twilio-email-event-webhook-timestamp"]!,
      );
    },
    event: "delivered",
  },
  {
    id: "zoom",
    key: hmacKey("zoom-secret-token-1"),
    other: hmacKey("zoom-secret-token-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ event: "meeting.started", event_ts: Date.now(), payload: { account_id: "a", object: { id: "1" } } }),
    sign: async (key, body, at) => ({
      "x-zm-request-timestamp": String(at),
      "x-zm-signature": `v0=${hex("sha256", secretOf(key), `v0:${at}:${body}`)}`,
      "x-zm-trackingid": crypto.randomUUID(),
    }),
    toleranceSeconds: 300,
    event: "meeting.started",
  },
  {
    id: "intercom",
    key: hmacKey("intercom-client-secret-1"),
    other: hmacKey("intercom-client-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ type: "notification_event", id: `notif_${Date.now()}`, topic: "conversation.user.created", data: { item: {} } }),
    sign: async (key, body) => ({ "x-hub-signature": `sha1=${hex("sha1", secretOf(key), body)}` }),
    event: "conversation.user.created",
  },
  {
    id: "gitlab",
    key: hmacKey("gitlab-secret-token-1"),
    other: hmacKey("gitlab-secret-token-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ object_kind: "push", ref: "refs/heads/main", project: { path_with_namespace: "acme/app" } }),
    sign: async (key) => ({ "x-gitlab-event": "Push Hook", "x-gitlab-token": secretOf(key), "x-gitlab-event-uuid": crypto.randomUUID() }),
    event: "Push Hook",
  },
  {
    id: "typeform",
    key: hmacKey("typeform-secret-1"),
    other: hmacKey("typeform-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ event_id: crypto.randomUUID(), event_type: "form_response", form_response: { form_id: "f1", answers: [] } }),
    sign: async (key, body) => ({ "typeform-signature": `sha256=${b64("sha256", secretOf(key), body)}` }),
    event: "form_response",
  },
  {
    id: "sentry",
    key: hmacKey("sentry-client-secret-1"),
    other: hmacKey("sentry-client-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ action: "created", installation: { uuid: "u1" }, data: { issue: { id: "1" } }, actor: { type: "application" } }),
    sign: async (key, body, at) => ({
      "sentry-hook-resource": "issue",
      "sentry-hook-timestamp": String(at),
      "sentry-hook-signature": hex("sha256", secretOf(key), body),
      "request-id": crypto.randomUUID(),
    }),
    event: "issue",
  },
  {
    id: "pagerduty",
    key: hmacKey("pagerduty-secret-1"),
    other: hmacKey("pagerduty-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ event: { id: crypto.randomUUID(), event_type: "incident.triggered", resource_type: "incident", data: {} } }),
    // PagerDuty lists one v1= per active secret while a secret rotates.
    sign: async (key, body) => ({ "x-pagerduty-signature": `v1=${hex("sha256", "unrelated-old-secret", body)},v1=${hex("sha256", secretOf(key), body)}` }),
    event: "incident.triggered",
  },
  {
    id: "workos",
    key: hmacKey("workos-webhook-secret-1"),
    other: hmacKey("workos-webhook-secret-2"),
    contentType: "application/json",
    body: () =>
      JSON.stringify({ id: `event_${Date.now()}`, event: "dsync.user.created", data: { id: "directory_user_1" }, created_at: "2026-12-06T07:00:00.000Z" }),
    sign: async (key, body, at) => {
      const timestamp = at * 1000;
      const signature = await workos.webhooks.computeSignature(timestamp, JSON.parse(body), secretOf(key));
      return { "workos-signature": `t=${timestamp}, v1=${signature}` };
    },
    toleranceSeconds: 180,
    official: async (key, body, headers) => {
      try {
        return await workos.webhooks.verifyHeader({
          payload: JSON.parse(body),
          sigHeader: headers["workos-signature"]!,
          secret: secretOf(key),
          tolerance: 180_000,
        });
      } catch {
        return false;
      }
    },
    event: "dsync.user.created",
  },
  {
    id: "mux",
    key: hmacKey("mux-signing-secret-1"),
    other: hmacKey("mux-signing-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ type: "video.asset.ready", id: crypto.randomUUID(), object: { type: "asset", id: "a1" }, data: {} }),
    sign: async (key, body, at) => ({ "mux-signature": `t=${at},v1=${hex("sha256", secretOf(key), `${at}.${body}`)}` }),
    toleranceSeconds: 300,
    official: async (key, body, headers) => {
      try {
        await mux.webhooks.verifySignature(body, headers, secretOf(key));
        return true;
      } catch {
        return false;
      }
    },
    event: "video.asset.ready",
  },
  {
    id: "razorpay",
    key: hmacKey("razorpay-webhook-secret-1"),
    other: hmacKey("razorpay-webhook-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ entity: "event", event: "payment.captured", payload: { payment: { entity: { id: "pay_1" } } } }),
    sign: async (key, body) => ({ "x-razorpay-signature": hex("sha256", secretOf(key), body), "x-razorpay-event-id": crypto.randomUUID() }),
    official: async (key, body, headers) => Razorpay.validateWebhookSignature(body, headers["x-razorpay-signature"]!, secretOf(key)),
    event: "payment.captured",
  },
  {
    id: "box",
    key: hmacKey("box-primary-key-1"),
    other: hmacKey("box-primary-key-2"),
    contentType: "application/json",
    body: () =>
      JSON.stringify({ type: "webhook_event", id: crypto.randomUUID(), trigger: "FILE.UPLOADED", webhook: { id: "wh1" }, source: { id: "f1", type: "file" } }),
    sign: async (key, body, at) => {
      const timestamp = new Date(at * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
      return {
        "box-delivery-id": crypto.randomUUID(),
        "box-delivery-timestamp": timestamp,
        "box-signature-algorithm": "HmacSHA256",
        "box-signature-version": "1",
        "box-signature-primary": b64("sha256", secretOf(key), body, timestamp),
        "box-signature-secondary": b64("sha256", "box-secondary-key", body, timestamp),
      };
    },
    toleranceSeconds: 600,
    event: "FILE.UPLOADED",
  },
  {
    id: "dropbox",
    key: hmacKey("dropbox-app-secret-1"),
    other: hmacKey("dropbox-app-secret-2"),
    contentType: "application/json",
    body: () => JSON.stringify({ list_folder: { accounts: ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"] }, delta: { users: [12345678] } }),
    sign: async (key, body) => ({ "x-dropbox-signature": hex("sha256", secretOf(key), body) }),
    event: "list_folder",
  },
  {
    id: "calendly",
    key: hmacKey("calendly-signing-key-1"),
    other: hmacKey("calendly-signing-key-2"),
    contentType: "application/json",
    body: () =>
      JSON.stringify({
        event: "invitee.created",
        created_at: "2026-12-06T07:00:00.000000Z",
        payload: { uri: `https://api.calendly.com/invitees/${crypto.randomUUID()}` },
      }),
    sign: async (key, body, at) => ({ "calendly-webhook-signature": `t=${at},v1=${hex("sha256", secretOf(key), `${at}.${body}`)}` }),
    toleranceSeconds: 180,
    event: "invitee.created",
  },
  svixSender("svix", "message.created"),
  svixSender("resend", "email.delivered"),
  svixSender("clerk", "user.created"),
];
