import { defineProvider } from "./schema";

export const zendesk = defineProvider({
  id: "zendesk",
  name: "Zendesk",
  description: "Support tickets and users in your Zendesk.",
  category: "support",
  logo: "zendesk",
  color: "#03363d",
  settings: { subdomain: { env: "ZENDESK_SUBDOMAIN", label: "subdomain (acme in acme.zendesk.com)", example: "acme" } },
  urls: { web: { default: "https://{subdomain}.zendesk.com", env: "ZENDESK_BASE_URL" } },
  apiBaseUrl: "{web}/api/v2",
  oauth2: {
    authorizeUrl: "{web}/oauth/authorizations/new",
    tokenUrl: "{web}/oauth/tokens",
    scopes: ["read", "write"],
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    clientIdEnv: "ZENDESK_CLIENT_ID",
    clientSecretEnv: "ZENDESK_CLIENT_SECRET",
    // Tokens do not expire unless the client asks for expires_in; the token revokes itself.
    revoke: { url: "{web}/api/v2/oauth/tokens/current.json", method: "DELETE", style: "bearer" },
  },
  account: { request: { url: "{web}/api/v2/users/me.json" }, id: "user.id", label: "user.name", avatar: "user.photo.content_url" },
});
