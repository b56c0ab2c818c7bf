import { defineProvider } from "./schema";

export const asana = defineProvider({
  id: "asana",
  name: "Asana",
  description: "Tasks and projects in Asana.",
  category: "productivity",
  logo: "asana",
  color: "#f06a6a",
  urls: {
    app: { default: "https://app.asana.com", env: "ASANA_BASE_URL" },
    // Asana publishes its API's OpenAPI description in github.com/Asana/openapi.
    openapiDescription: { default: "https://raw.githubusercontent.com/Asana/openapi/master/defs/asana_oas.yaml", env: "ASANA_OPENAPI_URL" },
  },
  openapi: { url: "{openapiDescription}" },
  apiBaseUrl: "{app}/api/1.0",
  oauth2: {
    authorizeUrl: "{app}/-/oauth_authorize",
    tokenUrl: "{app}/-/oauth_token",
    scopes: [],
    pkce: true,
    tokens: { expires: true, refresh: "reused" },
    clientIdEnv: "ASANA_CLIENT_ID",
    clientSecretEnv: "ASANA_CLIENT_SECRET",
    // Access tokens last an hour; the refresh token stays the same.
    revoke: { url: "{app}/-/oauth_revoke" },
  },
  apiKey: {
    env: "ASANA_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{app}/api/1.0/users/me" },
    help: "Asana → My settings → Apps → Developer apps → Personal access token.",
  },
  account: { request: { url: "{app}/api/1.0/users/me" }, id: "data.gid", label: "data.name", avatar: "data.photo.image_60x60" },
});
