import { defineProvider } from "./schema";

export const stripe = defineProvider({
  id: "stripe",
  name: "Stripe",
  description: "Payments data and webhook endpoints, with a secret or restricted key.",
  category: "payments",
  logo: "stripe",
  color: "#635bff",
  urls: {
    api: { default: "https://api.stripe.com", env: "STRIPE_API_URL" },
    // Stripe publishes its OpenAPI description in github.com/stripe/openapi; its paths start with /v1.
    openapiDescription: { default: "https://raw.githubusercontent.com/stripe/openapi/master/openapi/spec3.json", env: "STRIPE_OPENAPI_URL" },
  },
  openapi: { url: "{openapiDescription}", serverUrl: "{api}", scheme: "bearerAuth" },
  apiBaseUrl: "{api}/v1",
  webhooks: {
    scheme: "stripe",
    secretEnv: "STRIPE_WEBHOOK_SECRET",
    event: { path: "type" },
    deliveryId: { path: "id" },
    events: ["checkout.session.completed", "customer.subscription.updated", "invoice.paid", "invoice.payment_failed", "payment_intent.succeeded"],
  },
  apiKey: {
    env: "STRIPE_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/v1/balance" },
    help: "Stripe Dashboard → Developers → API keys (a restricted key is safer).",
  },
});
