import { defineProvider } from "./schema";

export const sendgrid = defineProvider({
  id: "sendgrid",
  name: "SendGrid",
  description: "Send email and read delivery events with Twilio SendGrid.",
  category: "marketing",
  color: "#1a82e2",
  urls: { api: { default: "https://api.sendgrid.com", env: "SENDGRID_API_URL" } },
  apiBaseUrl: "{api}/v3",
  apiKey: {
    env: "SENDGRID_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    // Any key may list its own scopes.
    check: { url: "{api}/v3/scopes" },
    help: "SendGrid → Settings → API Keys (restricted access is safer).",
  },
  webhooks: {
    scheme: "sendgrid",
    // The Event Webhook's verification key (base64), shown once Signed Event Webhook is on.
    secretEnv: "SENDGRID_WEBHOOK_SECRET",
    // A delivery is a JSON array of events; the first names it.
    event: { path: "0.event" },
    deliveryId: { path: "0.sg_event_id" },
    events: ["processed", "delivered", "open", "click", "bounce", "dropped", "spamreport", "unsubscribe"],
  },
});
