import { defineProvider } from "./schema";

export const salesforce = defineProvider({
  id: "salesforce",
  name: "Salesforce",
  description: "Salesforce CRM records through the REST API.",
  category: "crm",
  color: "#00a1e0",
  urls: {
    // https://test.salesforce.com for sandboxes, or the org's My Domain.
    login: { default: "https://login.salesforce.com", env: "SALESFORCE_LOGIN_URL" },
  },
  // Each connection's org has its own instance (its My Domain), named by the token answer's instance_url.
  connectionValues: { instance_url: { from: "token", path: "instance_url", format: "url" } },
  apiBaseUrl: "{connection.instance_url}/services/data/v62.0",
  oauth2: {
    authorizeUrl: "{login}/services/oauth2/authorize",
    tokenUrl: "{login}/services/oauth2/token",
    scopes: ["api", "refresh_token"],
    pkce: true,
    tokens: { expires: false, refresh: "reused" },
    clientIdEnv: "SALESFORCE_CLIENT_ID",
    clientSecretEnv: "SALESFORCE_CLIENT_SECRET",
    // The token answer has no expires_in (the session policy decides) and names the org's instance_url.
    revoke: { url: "{login}/services/oauth2/revoke" },
  },
  // Asked at the instance the token answer names.
  account: { request: { url: "{connection.instance_url}/services/oauth2/userinfo" }, id: "user_id", label: "preferred_username", avatar: "picture" },
});
