import { defineProvider } from "./schema";

export const slack = defineProvider({
  id: "slack",
  name: "Slack",
  description: "Post messages and create channels in your workspace.",
  category: "communication",
  color: "#4a154b",
  urls: {
    web: { default: "https://slack.com", env: "SLACK_BASE_URL" },
    api: { default: "https://slack.com/api", env: "SLACK_API_URL" },
  },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{web}/oauth/v2/authorize",
    tokenUrl: "{api}/oauth.v2.access",
    scopes: ["chat:write", "channels:manage", "channels:read"],
    scopeSeparator: ",",
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    clientAuth: "client_secret_post",
    extraTokenTypes: ["bot", "user"],
    clientIdEnv: "SLACK_CLIENT_ID",
    clientSecretEnv: "SLACK_CLIENT_SECRET",
    invalidGrantErrors: ["invalid_grant", "invalid_refresh_token", "token_revoked"],
    revoke: { url: "{api}/auth.revoke", method: "POST", style: "rfc7009", okField: "ok" },
  },
  webhooks: {
    scheme: "slack-v0",
    secretEnv: "SLACK_SIGNING_SECRET",
    event: { path: "event.type" },
    deliveryId: { path: "event_id" },
    events: ["message", "app_mention", "channel_created", "member_joined_channel"],
  },
  // A bot token (xoxb-...) works as the API-key way to connect, as in most Slack setups.
  apiKey: {
    env: "SLACK_BOT_TOKEN",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/auth.test", method: "POST" },
    help: "api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token (xoxb-…).",
  },
  rateLimit: { capacity: 5, refillPerSecond: 1 },
  account: {
    request: { url: "{api}/auth.test", method: "POST" },
    id: "user_id",
    label: "team",
  },
});
