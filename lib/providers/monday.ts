import { defineProvider } from "./schema";

const me = {
  url: "{api}/v2",
  method: "POST" as const,
  headers: { "content-type": "application/json" },
  body: { query: "{ me { id name photo_thumb } }" },
};

export const monday = defineProvider({
  id: "monday",
  name: "monday.com",
  description: "Boards and items on monday.com.",
  category: "productivity",
  color: "#ff3d57",
  urls: {
    auth: { default: "https://auth.monday.com", env: "MONDAY_AUTH_URL" },
    api: { default: "https://api.monday.com", env: "MONDAY_API_URL" },
  },
  apiBaseUrl: "{api}/v2",
  oauth2: {
    authorizeUrl: "{auth}/oauth2/authorize",
    tokenUrl: "{auth}/oauth2/token",
    scopes: ["me:read", "boards:read"],
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    clientIdEnv: "MONDAY_CLIENT_ID",
    clientSecretEnv: "MONDAY_CLIENT_SECRET",
    // Tokens do not expire and come without a refresh token; uninstalling the app ends the grant.
  },
  apiKey: {
    env: "MONDAY_API_KEY",
    placement: { in: "header", name: "authorization" },
    check: me,
    help: "monday.com → your avatar → Developers → My access tokens.",
  },
  account: { request: me, id: "data.me.id", label: "data.me.name", avatar: "data.me.photo_thumb" },
});
