import { defineProvider } from "./schema";

/** Atlassian Cloud (Jira and Confluence) by OAuth 2.0 (3LO). */
export const atlassian = defineProvider({
  id: "atlassian",
  name: "Jira & Confluence",
  description: "Atlassian Cloud: Jira issues and Confluence pages, as you.",
  category: "developer",
  logo: "atlassian",
  color: "#0052cc",
  urls: {
    auth: { default: "https://auth.atlassian.com", env: "ATLASSIAN_AUTH_URL" },
    api: { default: "https://api.atlassian.com", env: "ATLASSIAN_API_URL" },
  },
  // Product calls go to {api}/ex/jira/<cloudid>/... and {api}/ex/confluence/<cloudid>/...; the
  // site's cloud id comes from {api}/oauth/token/accessible-resources (the first site the grant covers).
  connectionValues: {
    cloud_id: {
      from: "request",
      request: { url: "{api}/oauth/token/accessible-resources" },
      path: "0.id",
      format: { pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" },
    },
  },
  apiBaseUrl: "{api}/ex/jira/{connection.cloud_id}",
  oauth2: {
    authorizeUrl: "{auth}/authorize",
    tokenUrl: "{auth}/oauth/token",
    scopes: ["read:me", "read:jira-work", "write:jira-work", "read:jira-user", "read:confluence-content.all", "offline_access"],
    authorizeParams: { audience: "api.atlassian.com", prompt: "consent" },
    pkce: false,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "ATLASSIAN_CLIENT_ID",
    clientSecretEnv: "ATLASSIAN_CLIENT_SECRET",
    // Refresh tokens rotate; Atlassian offers no revocation endpoint for 3LO apps.
  },
  account: { request: { url: "{api}/me" }, id: "account_id", label: "name", avatar: "picture" },
});
