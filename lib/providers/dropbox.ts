import { defineProvider } from "./schema";

export const dropbox = defineProvider({
  id: "dropbox",
  name: "Dropbox",
  description: "Files and folders in your Dropbox.",
  category: "files",
  logo: "dropbox",
  color: "#0061ff",
  urls: {
    web: { default: "https://www.dropbox.com", env: "DROPBOX_BASE_URL" },
    api: { default: "https://api.dropboxapi.com", env: "DROPBOX_API_URL" },
  },
  apiBaseUrl: "{api}/2",
  oauth2: {
    authorizeUrl: "{web}/oauth2/authorize",
    tokenUrl: "{api}/oauth2/token",
    scopes: ["account_info.read", "files.metadata.read", "files.content.read"],
    // offline: a refresh token (it does not rotate); access tokens last four hours.
    authorizeParams: { token_access_type: "offline" },
    pkce: true,
    tokens: { expires: true, refresh: "reused" },
    clientIdEnv: "DROPBOX_CLIENT_ID",
    clientSecretEnv: "DROPBOX_CLIENT_SECRET",
    revoke: { url: "{api}/2/auth/token/revoke", method: "POST", style: "bearer" },
  },
  account: {
    request: { url: "{api}/2/users/get_current_account", method: "POST" },
    id: "account_id",
    label: "email",
    avatar: "profile_photo_url",
  },
  webhooks: {
    scheme: "dropbox",
    // The app secret signs the notifications.
    secretEnv: "DROPBOX_WEBHOOK_SECRET",
    // A notification names only the accounts that changed; there is no event type or id.
    event: { value: "list_folder" },
    events: ["list_folder"],
  },
});
