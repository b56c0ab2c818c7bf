import { defineProvider } from "./schema";

export const intercom = defineProvider({
  id: "intercom",
  name: "Intercom",
  description: "Conversations, contacts and companies in Intercom.",
  category: "support",
  logo: "intercom",
  color: "#1f8ded",
  urls: {
    app: { default: "https://app.intercom.com", env: "INTERCOM_APP_URL" },
    api: { default: "https://api.intercom.io", env: "INTERCOM_API_URL" },
  },
  apiBaseUrl: "{api}",
  apiHeaders: { "intercom-version": "2.11" },
  oauth2: {
    authorizeUrl: "{app}/oauth",
    tokenUrl: "{api}/auth/eagle/token",
    // Permissions are chosen in the app's settings, not asked for here.
    scopes: [],
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    clientIdEnv: "INTERCOM_CLIENT_ID",
    clientSecretEnv: "INTERCOM_CLIENT_SECRET",
    // Tokens never expire and there is no refresh token; uninstalling ends the grant.
    revoke: { url: "{api}/auth/uninstall", method: "POST", style: "bearer" },
  },
  account: { request: { url: "{api}/me", headers: { "intercom-version": "2.11" } }, id: "id", label: "email", avatar: "avatar.image_url" },
  webhooks: {
    scheme: "intercom",
    // The app's client secret signs its webhooks.
    secretEnv: "INTERCOM_WEBHOOK_SECRET",
    event: { path: "topic" },
    deliveryId: { path: "id" },
    events: ["conversation.user.created", "conversation.user.replied", "conversation.admin.closed", "contact.user.created"],
  },
});
