import { defineProvider } from "./schema";

export const zoom = defineProvider({
  id: "zoom",
  name: "Zoom",
  description: "Meetings and recordings on Zoom.",
  category: "communication",
  logo: "zoom",
  color: "#0b5cff",
  urls: {
    web: { default: "https://zoom.us", env: "ZOOM_BASE_URL" },
    api: { default: "https://api.zoom.us", env: "ZOOM_API_URL" },
  },
  apiBaseUrl: "{api}/v2",
  oauth2: {
    authorizeUrl: "{web}/oauth/authorize",
    tokenUrl: "{web}/oauth/token",
    scopes: [],
    pkce: true,
    tokens: { expires: true, refresh: "rotating" },
    // Zoom's token and revoke endpoints take the client id and secret as HTTP Basic auth.
    clientAuth: "client_secret_basic",
    clientIdEnv: "ZOOM_CLIENT_ID",
    clientSecretEnv: "ZOOM_CLIENT_SECRET",
    // Access tokens last an hour; every refresh answers a new refresh token (the old one stops working).
    revoke: { url: "{web}/oauth/revoke" },
  },
  account: { request: { url: "{api}/v2/users/me" }, id: "id", label: "email", avatar: "pic_url" },
  webhooks: {
    scheme: "zoom",
    // The app's Secret Token (Features → Access).
    secretEnv: "ZOOM_WEBHOOK_SECRET",
    event: { path: "event" },
    deliveryId: { header: "x-zm-trackingid" },
    events: ["meeting.started", "meeting.ended", "recording.completed", "meeting.participant_joined"],
  },
});
