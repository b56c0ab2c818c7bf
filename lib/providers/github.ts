import { defineProvider } from "./schema";

export const github = defineProvider({
  id: "github",
  name: "GitHub",
  description: "Repositories, issues and pull requests, as you.",
  category: "developer",
  logo: "github",
  color: "#24292f",
  urls: {
    web: { default: "https://github.com", env: "GITHUB_BASE_URL" },
    api: { default: "https://api.github.com", env: "GITHUB_API_URL" },
    // GitHub publishes its REST API's OpenAPI description in github.com/github/rest-api-description.
    openapiDescription: {
      default: "https://raw.githubusercontent.com/github/rest-api-description/main/descriptions/api.github.com/api.github.com.json",
      env: "GITHUB_OPENAPI_URL",
    },
  },
  apiBaseUrl: "{api}",
  openapi: { url: "{openapiDescription}" },
  oauth2: {
    authorizeUrl: "{web}/login/oauth/authorize",
    tokenUrl: "{web}/login/oauth/access_token",
    scopes: ["repo", "read:user", "admin:repo_hook"],
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientAuth: "client_secret_post",
    clientIdEnv: "GITHUB_CLIENT_ID",
    clientSecretEnv: "GITHUB_CLIENT_SECRET",
    invalidGrantErrors: ["invalid_grant", "bad_refresh_token"],
    revoke: { url: "{api}/applications/{clientId}/grant", method: "DELETE", style: "json-access-token" },
  },
  webhooks: {
    scheme: "github-hmac-sha256",
    secretEnv: "GITHUB_WEBHOOK_SECRET",
    event: { header: "x-github-event" },
    deliveryId: { header: "x-github-delivery" },
    hookId: { header: "x-github-hook-id" },
    action: { path: "action" },
    repository: { path: "repository.full_name" },
    events: ["push", "pull_request", "issues", "issue_comment", "release", "workflow_run"],
  },
  account: {
    request: { url: "{api}/user", headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" } },
    id: "id",
    label: "login",
    labelPrefix: "@",
    avatar: "avatar_url",
  },
});
