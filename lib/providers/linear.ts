import { defineProvider } from "./schema";

const viewer = {
  url: "{api}/graphql",
  method: "POST" as const,
  headers: { "content-type": "application/json" },
  body: { query: "{ viewer { id name email } }" },
};

/** Linear connects by OAuth 2.0 (with PKCE) or by a personal API key. */
export const linear = defineProvider({
  id: "linear",
  name: "Linear",
  description: "Create projects and search issues.",
  category: "developer",
  logo: "linear",
  color: "#5e6ad2",
  urls: {
    web: { default: "https://linear.app", env: "LINEAR_BASE_URL" },
    api: { default: "https://api.linear.app", env: "LINEAR_API_URL" },
  },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{web}/oauth/authorize",
    tokenUrl: "{api}/oauth/token",
    scopes: ["read", "write"],
    scopeSeparator: ",",
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientAuth: "client_secret_post",
    clientIdEnv: "LINEAR_CLIENT_ID",
    clientSecretEnv: "LINEAR_CLIENT_SECRET",
    revoke: { url: "{api}/oauth/revoke", method: "POST", style: "rfc7009" },
  },
  apiKey: {
    env: "LINEAR_API_KEY",
    placement: { in: "header", name: "authorization" },
    check: viewer,
    help: "Linear → Settings → Security & access → Personal API keys.",
  },
  account: { request: viewer, id: "data.viewer.id", label: "data.viewer.name" },
  webhooks: {
    scheme: "linear",
    secretEnv: "LINEAR_WEBHOOK_SECRET",
    event: { header: "linear-event" },
    deliveryId: { header: "linear-delivery" },
    action: { path: "action" },
    events: ["Issue", "Comment", "Project", "Cycle", "IssueLabel", "Reaction"],
  },
});
