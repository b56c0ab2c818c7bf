import { defineProvider } from "./schema";

export const figma = defineProvider({
  id: "figma",
  name: "Figma",
  description: "Files, comments and components in Figma.",
  category: "design",
  logo: "figma",
  color: "#a259ff",
  urls: {
    web: { default: "https://www.figma.com", env: "FIGMA_BASE_URL" },
    api: { default: "https://api.figma.com", env: "FIGMA_API_URL" },
  },
  apiBaseUrl: "{api}/v1",
  oauth2: {
    authorizeUrl: "{web}/oauth",
    tokenUrl: "{api}/v1/oauth/token",
    refreshUrl: "{api}/v1/oauth/refresh",
    scopes: ["current_user:read", "file_content:read", "file_comments:read"],
    pkce: false,
    tokens: { expires: true, refresh: "reused" },
    clientAuth: "client_secret_basic",
    clientIdEnv: "FIGMA_CLIENT_ID",
    clientSecretEnv: "FIGMA_CLIENT_SECRET",
  },
  apiKey: {
    env: "FIGMA_API_KEY",
    placement: { in: "header", name: "x-figma-token" },
    check: { url: "{api}/v1/me" },
    help: "Figma → Settings → Security → Personal access tokens.",
  },
  account: { request: { url: "{api}/v1/me" }, id: "id", label: "handle", avatar: "img_url" },
});
