import { defineProvider } from "./schema";

export const mailchimp = defineProvider({
  id: "mailchimp",
  name: "Mailchimp",
  description: "Audiences and campaigns in Mailchimp.",
  category: "marketing",
  logo: "mailchimp",
  color: "#ffe01b",
  urls: {
    login: { default: "https://login.mailchimp.com", env: "MAILCHIMP_LOGIN_URL" },
  },
  // An account's API lives on its data center (us6.api.mailchimp.com): the metadata endpoint answers
  // {dc: "us6", api_endpoint: "https://us6.api.mailchimp.com", ...} for the new token.
  connectionValues: {
    dc: { from: "request", request: { url: "{login}/oauth2/metadata" }, path: "dc", format: { pattern: "[a-z]{2}[0-9]{1,3}" } },
    api_endpoint: { from: "request", request: { url: "{login}/oauth2/metadata" }, path: "api_endpoint", format: "url" },
  },
  apiBaseUrl: "{connection.api_endpoint}/3.0",
  oauth2: {
    authorizeUrl: "{login}/oauth2/authorize",
    tokenUrl: "{login}/oauth2/token",
    scopes: [],
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    // The answer is {access_token, expires_in: 0, scope: null}: no token_type, no refresh, no expiry.
    tokenTypeOptional: true,
    tokenHeader: { name: "authorization", prefix: "OAuth " },
    clientIdEnv: "MAILCHIMP_CLIENT_ID",
    clientSecretEnv: "MAILCHIMP_CLIENT_SECRET",
  },
  account: { request: { url: "{login}/oauth2/metadata" }, id: "user_id", label: "accountname", avatar: "login.avatar" },
});
