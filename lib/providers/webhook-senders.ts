import { defineProvider } from "./schema";

/**
 * Services Patchbay receives webhooks from without connecting to them (yet): each is one
 * declaration of how the service signs and labels what it sends.
 */

export const twilio = defineProvider({
  id: "twilio",
  name: "Twilio",
  description: "Incoming messages and status callbacks from Twilio, signed over the URL and parameters.",
  category: "communication",
  color: "#f22f46",
  apiBaseUrl: "https://api.twilio.com",
  webhooks: {
    scheme: "twilio",
    // The account's Auth Token signs the requests.
    secretEnv: "TWILIO_WEBHOOK_SECRET",
    event: { path: "SmsStatus" },
    deliveryId: { header: "i-twilio-idempotency-token" },
    events: ["received", "queued", "sent", "delivered", "failed"],
  },
});

export const paddle = defineProvider({
  id: "paddle",
  name: "Paddle",
  description: "Paddle Billing notifications: subscriptions, transactions, customers.",
  category: "payments",
  logo: "paddle",
  color: "#fddd35",
  apiBaseUrl: "https://api.paddle.com",
  webhooks: {
    scheme: "paddle",
    // The notification destination's secret key (pdl_ntfset_...).
    secretEnv: "PADDLE_WEBHOOK_SECRET",
    event: { path: "event_type" },
    deliveryId: { path: "event_id" },
    events: ["transaction.completed", "subscription.created", "subscription.updated", "subscription.canceled", "customer.created"],
  },
});

export const square = defineProvider({
  id: "square",
  name: "Square",
  description: "Square payments, orders and customers notifications.",
  category: "payments",
  logo: "square",
  color: "#006aff",
  apiBaseUrl: "https://connect.squareup.com",
  webhooks: {
    scheme: "square",
    // The subscription's signature key (Developer Console → Webhooks → Subscriptions).
    secretEnv: "SQUARE_WEBHOOK_SECRET",
    event: { path: "type" },
    deliveryId: { path: "event_id" },
    events: ["payment.created", "payment.updated", "order.created", "customer.created", "refund.created"],
  },
});

export const workos = defineProvider({
  id: "workos",
  name: "WorkOS",
  description: "Directory sync, SSO and user-management events from WorkOS.",
  category: "developer",
  color: "#6363f1",
  apiBaseUrl: "https://api.workos.com",
  webhooks: {
    scheme: "workos",
    secretEnv: "WORKOS_WEBHOOK_SECRET",
    event: { path: "event" },
    deliveryId: { path: "id" },
    events: ["dsync.user.created", "dsync.user.updated", "connection.activated", "user.created", "session.created"],
  },
});

export const mux = defineProvider({
  id: "mux",
  name: "Mux",
  description: "Video assets and live streams from Mux.",
  category: "developer",
  color: "#fa50b5",
  apiBaseUrl: "https://api.mux.com",
  webhooks: {
    scheme: "mux",
    secretEnv: "MUX_WEBHOOK_SECRET",
    event: { path: "type" },
    deliveryId: { path: "id" },
    events: ["video.asset.created", "video.asset.ready", "video.asset.errored", "video.live_stream.active", "video.upload.asset_created"],
  },
});

export const razorpay = defineProvider({
  id: "razorpay",
  name: "Razorpay",
  description: "Payments, orders and refunds from Razorpay.",
  category: "payments",
  logo: "razorpay",
  color: "#0c2651",
  apiBaseUrl: "https://api.razorpay.com",
  webhooks: {
    scheme: "razorpay",
    secretEnv: "RAZORPAY_WEBHOOK_SECRET",
    event: { path: "event" },
    deliveryId: { header: "x-razorpay-event-id" },
    events: ["payment.authorized", "payment.captured", "payment.failed", "order.paid", "refund.processed"],
  },
});

const svixSigned = {
  scheme: "svix" as const,
  event: { path: "type" },
  deliveryId: { header: "svix-id" },
};

export const svix = defineProvider({
  id: "svix",
  name: "Svix",
  description: "Any sender that delivers through Svix (svix-id, svix-timestamp, svix-signature).",
  category: "webhooks",
  color: "#3b82f6",
  apiBaseUrl: "https://api.svix.com",
  webhooks: { ...svixSigned, secretEnv: "SVIX_WEBHOOK_SECRET" },
});

export const resend = defineProvider({
  id: "resend",
  name: "Resend",
  description: "Email events from Resend (sent, delivered, bounced, opened), signed through Svix.",
  category: "marketing",
  logo: "resend",
  color: "#000000",
  apiBaseUrl: "https://api.resend.com",
  webhooks: {
    ...svixSigned,
    secretEnv: "RESEND_WEBHOOK_SECRET",
    events: ["email.sent", "email.delivered", "email.bounced", "email.opened", "email.clicked", "email.complained"],
  },
});

export const clerk = defineProvider({
  id: "clerk",
  name: "Clerk",
  description: "User, session and organization events from Clerk, signed through Svix.",
  category: "developer",
  logo: "clerk",
  color: "#6c47ff",
  apiBaseUrl: "https://api.clerk.com",
  webhooks: {
    ...svixSigned,
    secretEnv: "CLERK_WEBHOOK_SECRET",
    events: ["user.created", "user.updated", "user.deleted", "session.created", "organization.created"],
  },
});
