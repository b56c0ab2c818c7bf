import { defineProvider } from "./schema";

export const discord = defineProvider({
  id: "discord",
  name: "Discord",
  description: "Your Discord identity and servers; interactions sent to your app.",
  category: "communication",
  logo: "discord",
  color: "#5865f2",
  urls: { web: { default: "https://discord.com", env: "DISCORD_BASE_URL" } },
  apiBaseUrl: "{web}/api/v10",
  oauth2: {
    authorizeUrl: "{web}/oauth2/authorize",
    tokenUrl: "{web}/api/oauth2/token",
    scopes: ["identify", "guilds"],
    pkce: false,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "DISCORD_CLIENT_ID",
    clientSecretEnv: "DISCORD_CLIENT_SECRET",
    // Tokens last a week; each refresh answers a new refresh token.
    revoke: { url: "{web}/api/oauth2/token/revoke" },
  },
  account: { request: { url: "{web}/api/v10/users/@me" }, id: "id", label: "username", labelPrefix: "@" },
  webhooks: {
    scheme: "discord",
    // The application's public key (hex), from the Developer Portal's General Information.
    secretEnv: "DISCORD_WEBHOOK_SECRET",
    event: { path: "type" },
    deliveryId: { path: "id" },
    action: { path: "data.name" },
    events: ["1", "2", "3", "4", "5"],
  },
});
