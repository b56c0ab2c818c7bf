import { defineProvider } from "./schema";

const accept = { accept: "application/vnd.pagerduty+json;version=2" };

export const pagerduty = defineProvider({
  id: "pagerduty",
  name: "PagerDuty",
  description: "Incidents, services and on-call schedules.",
  category: "monitoring",
  logo: "pagerduty",
  color: "#06ac38",
  urls: { api: { default: "https://api.pagerduty.com", env: "PAGERDUTY_API_URL" } },
  apiBaseUrl: "{api}",
  apiHeaders: accept,
  apiKey: {
    env: "PAGERDUTY_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Token token=" },
    check: { url: "{api}/abilities", headers: accept },
    help: "PagerDuty → Integrations → API Access Keys (or a user's API token).",
  },
  webhooks: {
    scheme: "pagerduty",
    secretEnv: "PAGERDUTY_WEBHOOK_SECRET",
    event: { path: "event.event_type" },
    deliveryId: { path: "event.id" },
    hookId: { header: "x-webhook-subscription" },
    events: ["incident.triggered", "incident.acknowledged", "incident.resolved", "incident.annotated"],
  },
});
