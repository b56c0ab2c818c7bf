import { defineProvider } from "./schema";

export const airtable = defineProvider({
  id: "airtable",
  name: "Airtable",
  description: "Bases, tables and records in Airtable.",
  category: "productivity",
  logo: "airtable",
  color: "#18bfff",
  urls: {
    web: { default: "https://airtable.com", env: "AIRTABLE_BASE_URL" },
    api: { default: "https://api.airtable.com", env: "AIRTABLE_API_URL" },
  },
  apiBaseUrl: "{api}/v0",
  oauth2: {
    authorizeUrl: "{web}/oauth2/v1/authorize",
    tokenUrl: "{web}/oauth2/v1/token",
    scopes: ["data.records:read", "data.records:write", "schema.bases:read", "user.email:read"],
    // Airtable requires PKCE, and a confidential client's credentials as HTTP Basic auth.
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientAuth: "client_secret_basic",
    clientIdEnv: "AIRTABLE_CLIENT_ID",
    clientSecretEnv: "AIRTABLE_CLIENT_SECRET",
    // Access tokens last an hour; a refresh token works once and the answer carries the next one.
  },
  apiKey: {
    env: "AIRTABLE_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/v0/meta/whoami" },
    help: "airtable.com/create/tokens → a personal access token.",
  },
  account: { request: { url: "{api}/v0/meta/whoami" }, id: "id", label: "email" },
});
