import { defineProvider } from "./schema";

export const hubspot = defineProvider({
  id: "hubspot",
  name: "HubSpot",
  description: "CRM contacts, companies and deals.",
  category: "crm",
  logo: "hubspot",
  color: "#ff7a59",
  urls: {
    app: { default: "https://app.hubspot.com", env: "HUBSPOT_APP_URL" },
    api: { default: "https://api.hubapi.com", env: "HUBSPOT_API_URL" },
  },
  apiBaseUrl: "{api}",
  oauth2: {
    authorizeUrl: "{app}/oauth/authorize",
    tokenUrl: "{api}/oauth/v1/token",
    scopes: ["oauth", "crm.objects.contacts.read", "crm.objects.companies.read", "crm.objects.deals.read"],
    pkce: false,
    tokens: { expires: true, refresh: "reused" },
    clientIdEnv: "HUBSPOT_CLIENT_ID",
    clientSecretEnv: "HUBSPOT_CLIENT_SECRET",
    // Access tokens last 30 minutes; the refresh token stays the same. Uninstalling deletes the
    // refresh token: DELETE /oauth/v1/refresh-tokens/:token, answered 204 (its OAuth API docs).
    revoke: { url: "{api}/oauth/v1/refresh-tokens", method: "DELETE", style: "refresh-token-path" },
  },
  account: { request: { url: "{api}/account-info/v3/details" }, id: "portalId", label: "portalId", labelPrefix: "Hub " },
  webhooks: {
    scheme: "hubspot-v3",
    // The app's client secret signs its webhooks.
    secretEnv: "HUBSPOT_WEBHOOK_SECRET",
    // HubSpot sends a JSON array of events; the first one names the delivery.
    event: { path: "0.subscriptionType" },
    deliveryId: { path: "0.eventId" },
    events: ["contact.creation", "contact.propertyChange", "company.creation", "deal.creation", "deal.propertyChange"],
  },
});
