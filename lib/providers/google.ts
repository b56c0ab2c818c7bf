import { defineProvider } from "./schema";

/** Google accounts: Gmail, Calendar, Drive and Sheets scopes in one grant (read-only). */
export const google = defineProvider({
  id: "google",
  name: "Google",
  description: "Gmail, Calendar, Drive and Sheets, read-only, as you.",
  category: "productivity",
  logo: "google",
  color: "#4285f4",
  urls: {
    accounts: { default: "https://accounts.google.com", env: "GOOGLE_ACCOUNTS_URL" },
    oauth: { default: "https://oauth2.googleapis.com", env: "GOOGLE_OAUTH_URL" },
    api: { default: "https://www.googleapis.com", env: "GOOGLE_API_URL" },
  },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{accounts}/o/oauth2/v2/auth",
    tokenUrl: "{oauth}/token",
    // No openid scope: the answer would then carry an ID token, which is not needed to know the account.
    scopes: [
      "https://www.googleapis.com/auth/userinfo.email",
      "https://www.googleapis.com/auth/userinfo.profile",
      "https://www.googleapis.com/auth/gmail.readonly",
      "https://www.googleapis.com/auth/calendar.readonly",
      "https://www.googleapis.com/auth/drive.readonly",
      "https://www.googleapis.com/auth/spreadsheets.readonly",
    ],
    // A refresh token comes only with access_type=offline, and again on a later consent only with prompt=consent.
    authorizeParams: { access_type: "offline", prompt: "consent", include_granted_scopes: "true" },
    pkce: true,
    tokens: { expires: true, refresh: "reused" },
    clientIdEnv: "GOOGLE_CLIENT_ID",
    clientSecretEnv: "GOOGLE_CLIENT_SECRET",
    revoke: { url: "{oauth}/revoke" },
  },
  account: { request: { url: "{api}/oauth2/v2/userinfo" }, id: "id", label: "email", avatar: "picture" },
});
