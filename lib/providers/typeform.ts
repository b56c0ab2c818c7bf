import { defineProvider } from "./schema";

export const typeform = defineProvider({
  id: "typeform",
  name: "Typeform",
  description: "Forms and their responses.",
  category: "productivity",
  logo: "typeform",
  color: "#262627",
  urls: { api: { default: "https://api.typeform.com", env: "TYPEFORM_API_URL" } },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{api}/oauth/authorize",
    tokenUrl: "{api}/oauth/token",
    // offline: a refresh token; each refresh answers a new one.
    scopes: ["accounts:read", "forms:read", "responses:read", "webhooks:write", "offline"],
    pkce: false,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "TYPEFORM_CLIENT_ID",
    clientSecretEnv: "TYPEFORM_CLIENT_SECRET",
  },
  apiKey: {
    env: "TYPEFORM_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/me" },
    help: "Typeform → Account → Personal tokens.",
  },
  account: { request: { url: "{api}/me" }, id: "user_id", label: "email" },
  webhooks: {
    scheme: "typeform",
    secretEnv: "TYPEFORM_WEBHOOK_SECRET",
    event: { path: "event_type" },
    deliveryId: { path: "event_id" },
    events: ["form_response"],
  },
});
