import { defineProvider } from "./schema";

export const bitbucket = defineProvider({
  id: "bitbucket",
  name: "Bitbucket",
  description: "Bitbucket Cloud repositories and pull requests.",
  category: "developer",
  logo: "bitbucket",
  color: "#0052cc",
  urls: {
    web: { default: "https://bitbucket.org", env: "BITBUCKET_BASE_URL" },
    api: { default: "https://api.bitbucket.org", env: "BITBUCKET_API_URL" },
  },
  apiBaseUrl: "{api}/2.0",
  oauth2: {
    authorizeUrl: "{web}/site/oauth2/authorize",
    tokenUrl: "{web}/site/oauth2/access_token",
    scopes: ["account", "repository", "pullrequest"],
    pkce: false,
    tokens: { expires: true, refresh: "reused" },
    // Bitbucket's token endpoint takes the consumer key and secret as HTTP Basic auth.
    clientAuth: "client_secret_basic",
    clientIdEnv: "BITBUCKET_CLIENT_ID",
    clientSecretEnv: "BITBUCKET_CLIENT_SECRET",
    // Tokens last two hours; no revocation endpoint (revoke under Personal settings → App authorizations).
  },
  account: { request: { url: "{api}/2.0/user" }, id: "uuid", label: "display_name", avatar: "links.avatar.href" },
});
