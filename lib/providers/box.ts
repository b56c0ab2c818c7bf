import { defineProvider } from "./schema";

export const box = defineProvider({
  id: "box",
  name: "Box",
  description: "Files, folders and collaborations in Box.",
  category: "files",
  logo: "box",
  color: "#0061d5",
  urls: {
    account: { default: "https://account.box.com", env: "BOX_ACCOUNT_URL" },
    api: { default: "https://api.box.com", env: "BOX_API_URL" },
  },
  apiBaseUrl: "{api}/2.0",
  oauth2: {
    authorizeUrl: "{account}/api/oauth2/authorize",
    tokenUrl: "{api}/oauth2/token",
    scopes: [],
    pkce: false,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "BOX_CLIENT_ID",
    clientSecretEnv: "BOX_CLIENT_SECRET",
    // Access tokens last an hour; a refresh token works once and the answer carries the next one.
    revoke: { url: "{api}/oauth2/revoke" },
  },
  account: { request: { url: "{api}/2.0/users/me" }, id: "id", label: "login", avatar: "avatar_url" },
  webhooks: {
    scheme: "box",
    // The primary signature key; BOX_WEBHOOK_SECRET_PREVIOUS may hold the secondary one.
    secretEnv: "BOX_WEBHOOK_SECRET",
    event: { path: "trigger" },
    deliveryId: { header: "box-delivery-id" },
    hookId: { path: "webhook.id" },
    events: ["FILE.UPLOADED", "FILE.DELETED", "FOLDER.CREATED", "COMMENT.CREATED"],
  },
});
