import { defineProvider } from "./schema";

/** Any sender that follows the Standard Webhooks specification (Svix, Resend, Clerk, ...). */
export const standardWebhooks = defineProvider({
  id: "standard",
  name: "Standard Webhooks",
  description: "Any service that signs webhooks the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature).",
  category: "webhooks",
  color: "#0f766e",
  apiBaseUrl: "https://standardwebhooks.com",
  webhooks: {
    scheme: "standard-webhooks",
    secretEnv: "STANDARD_WEBHOOKS_SECRET",
    event: { path: "type" },
    deliveryId: { header: "webhook-id" },
  },
});
