import { defineProvider } from "./schema";

/** sentry.io or a self-hosted Sentry (SENTRY_BASE_URL). */
export const sentry = defineProvider({
  id: "sentry",
  name: "Sentry",
  description: "Issues and events from Sentry.",
  category: "monitoring",
  logo: "sentry",
  color: "#362d59",
  urls: { web: { default: "https://sentry.io", env: "SENTRY_BASE_URL" } },
  apiBaseUrl: "{web}/api/0",
  apiKey: {
    env: "SENTRY_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{web}/api/0/organizations/" },
    help: "Sentry → User settings → Auth Tokens (or an organization token).",
  },
  webhooks: {
    scheme: "sentry",
    // The integration's client secret signs its webhooks.
    secretEnv: "SENTRY_WEBHOOK_SECRET",
    event: { header: "sentry-hook-resource" },
    deliveryId: { header: "request-id" },
    action: { path: "action" },
    events: ["installation", "issue", "error", "event_alert", "metric_alert", "comment"],
  },
});
