import { defineProvider } from "./schema";

export const calendly = defineProvider({
  id: "calendly",
  name: "Calendly",
  description: "Scheduled events and invitees in Calendly.",
  category: "scheduling",
  logo: "calendly",
  color: "#006bff",
  urls: {
    auth: { default: "https://auth.calendly.com", env: "CALENDLY_AUTH_URL" },
    api: { default: "https://api.calendly.com", env: "CALENDLY_API_URL" },
  },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{auth}/oauth/authorize",
    tokenUrl: "{auth}/oauth/token",
    scopes: [],
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    clientIdEnv: "CALENDLY_CLIENT_ID",
    clientSecretEnv: "CALENDLY_CLIENT_SECRET",
    // Access tokens last two hours; a refresh token works once and the answer carries the next one.
    revoke: { url: "{auth}/oauth/revoke" },
  },
  apiKey: {
    env: "CALENDLY_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/users/me" },
    help: "Calendly → Integrations & apps → API & webhooks → Personal access tokens.",
  },
  account: { request: { url: "{api}/users/me" }, id: "resource.uri", label: "resource.name", avatar: "resource.avatar_url" },
  webhooks: {
    scheme: "calendly",
    // The signing key given when the webhook subscription was created.
    secretEnv: "CALENDLY_WEBHOOK_SECRET",
    event: { path: "event" },
    events: ["invitee.created", "invitee.canceled", "routing_form_submission.created"],
  },
});
