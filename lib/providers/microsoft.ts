import { defineProvider } from "./schema";

/** Microsoft 365 through Microsoft Graph: mail, calendars and files, in one tenant or any. */
export const microsoft = defineProvider({
  id: "microsoft",
  name: "Microsoft 365",
  description: "Outlook mail, calendars and OneDrive files through Microsoft Graph.",
  category: "productivity",
  color: "#0078d4",
  settings: {
    // common: work, school and personal accounts; organizations; consumers; or one tenant's id or domain.
    tenant: {
      env: "MICROSOFT_TENANT",
      label: "tenant (common, organizations, or a tenant id or domain)",
      pattern: "^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$",
      default: "common",
    },
  },
  urls: {
    login: { default: "https://login.microsoftonline.com", env: "MICROSOFT_LOGIN_URL" },
    graph: { default: "https://graph.microsoft.com", env: "MICROSOFT_GRAPH_URL" },
  },
  apiBaseUrl: "{graph}/v1.0",
  oauth2: {
    authorizeUrl: "{login}/{tenant}/oauth2/v2.0/authorize",
    tokenUrl: "{login}/{tenant}/oauth2/v2.0/token",
    // offline_access: a refresh token (rotated on every refresh).
    scopes: ["offline_access", "User.Read", "Mail.Read", "Calendars.Read", "Files.Read"],
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "MICROSOFT_CLIENT_ID",
    clientSecretEnv: "MICROSOFT_CLIENT_SECRET",
    // Graph has no endpoint to revoke one app's grant; disconnecting removes the tokens here.
  },
  account: { request: { url: "{graph}/v1.0/me" }, id: "id", label: "userPrincipalName" },
});
