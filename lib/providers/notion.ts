import { defineProvider } from "./schema";

export const notion = defineProvider({
  id: "notion",
  name: "Notion",
  description: "Search pages and databases shared with the integration.",
  category: "productivity",
  logo: "notion",
  color: "#191919",
  urls: { api: { default: "https://api.notion.com", env: "NOTION_API_URL" } },
  apiBaseUrl: "{api}/v1",
  apiHeaders: { "notion-version": "2022-06-28" },
  // An internal integration's secret (ntn_...) is the API-key way to connect.
  apiKey: {
    env: "NOTION_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/v1/users/me", headers: { "notion-version": "2022-06-28" } },
    help: "notion.so/my-integrations → your internal integration → Internal Integration Secret.",
  },
  oauth2: {
    authorizeUrl: "{api}/v1/oauth/authorize",
    tokenUrl: "{api}/v1/oauth/token",
    scopes: [],
    authorizeParams: { owner: "user" },
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    // Notion's token endpoint takes the client credentials as HTTP Basic auth.
    clientAuth: "client_secret_basic",
    clientIdEnv: "NOTION_CLIENT_ID",
    clientSecretEnv: "NOTION_CLIENT_SECRET",
  },
  account: {
    request: { url: "{api}/v1/users/me", headers: { "notion-version": "2022-06-28" } },
    id: "id",
    label: "name",
    avatar: "avatar_url",
  },
});
