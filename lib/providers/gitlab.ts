import { defineProvider } from "./schema";

/** GitLab.com or a self-managed GitLab (GITLAB_BASE_URL). */
export const gitlab = defineProvider({
  id: "gitlab",
  name: "GitLab",
  description: "Projects, issues and merge requests on GitLab.com or your own GitLab.",
  category: "developer",
  logo: "gitlab",
  color: "#fc6d26",
  urls: { web: { default: "https://gitlab.com", env: "GITLAB_BASE_URL" } },
  apiBaseUrl: "{web}/api/v4",
  oauth2: {
    authorizeUrl: "{web}/oauth/authorize",
    tokenUrl: "{web}/oauth/token",
    scopes: ["read_user", "api"],
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "GITLAB_CLIENT_ID",
    clientSecretEnv: "GITLAB_CLIENT_SECRET",
    // Access tokens last two hours; every refresh answers a new refresh token.
    revoke: { url: "{web}/oauth/revoke" },
  },
  apiKey: {
    env: "GITLAB_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{web}/api/v4/user" },
    help: "GitLab → Preferences → Access tokens (a personal access token with read_api or api).",
  },
  account: { request: { url: "{web}/api/v4/user" }, id: "id", label: "username", labelPrefix: "@", avatar: "avatar_url" },
  webhooks: {
    scheme: "gitlab-token",
    secretEnv: "GITLAB_WEBHOOK_SECRET",
    event: { header: "x-gitlab-event" },
    deliveryId: { header: "x-gitlab-event-uuid" },
    hookId: { header: "x-gitlab-webhook-uuid" },
    action: { path: "object_attributes.action" },
    repository: { path: "project.path_with_namespace" },
    events: ["Push Hook", "Merge Request Hook", "Issue Hook", "Note Hook", "Pipeline Hook", "Release Hook"],
  },
});
