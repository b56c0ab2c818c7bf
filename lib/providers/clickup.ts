import { defineProvider } from "./schema";

export const clickup = defineProvider({
  id: "clickup",
  name: "ClickUp",
  description: "Tasks, lists and spaces in ClickUp.",
  category: "productivity",
  logo: "clickup",
  color: "#7b68ee",
  urls: {
    app: { default: "https://app.clickup.com", env: "CLICKUP_APP_URL" },
    api: { default: "https://api.clickup.com", env: "CLICKUP_API_URL" },
  },
  apiBaseUrl: "{api}/api/v2",
  oauth2: {
    authorizeUrl: "{app}/api",
    tokenUrl: "{api}/api/v2/oauth/token",
    scopes: [],
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    // The answer is {access_token} alone: no token_type, no expiry, no refresh token.
    tokenTypeOptional: true,
    clientIdEnv: "CLICKUP_CLIENT_ID",
    clientSecretEnv: "CLICKUP_CLIENT_SECRET",
  },
  apiKey: {
    env: "CLICKUP_API_KEY",
    placement: { in: "header", name: "authorization" },
    check: { url: "{api}/api/v2/user" },
    help: "ClickUp → Settings → Apps → API Token (pk_…).",
  },
  account: { request: { url: "{api}/api/v2/user" }, id: "user.id", label: "user.username", avatar: "user.profilePicture" },
});
