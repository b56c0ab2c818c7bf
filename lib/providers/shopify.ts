import { defineProvider } from "./schema";

/** One Shopify store (SHOPIFY_SHOP), through the Admin API. */
export const shopify = defineProvider({
  id: "shopify",
  name: "Shopify",
  description: "Products, orders and customers of your Shopify store.",
  category: "commerce",
  logo: "shopify",
  color: "#7ab55c",
  settings: { shop: { env: "SHOPIFY_SHOP", label: "shop (acme in acme.myshopify.com)", example: "acme" } },
  urls: { admin: { default: "https://{shop}.myshopify.com", env: "SHOPIFY_BASE_URL" } },
  apiBaseUrl: "{admin}/admin/api/2025-01",
  oauth2: {
    authorizeUrl: "{admin}/admin/oauth/authorize",
    tokenUrl: "{admin}/admin/oauth/access_token",
    scopes: ["read_products", "read_orders", "read_customers"],
    scopeSeparator: ",",
    pkce: false,
    tokens: { expires: false, refresh: "none" },
    // Offline tokens: no expiry, no refresh token, no token_type; sent as X-Shopify-Access-Token.
    tokenHeader: { name: "x-shopify-access-token" },
    tokenTypeOptional: true,
    clientIdEnv: "SHOPIFY_CLIENT_ID",
    clientSecretEnv: "SHOPIFY_CLIENT_SECRET",
    revoke: { url: "{admin}/admin/api_permissions/current.json", method: "DELETE", style: "bearer" },
  },
  account: { request: { url: "{admin}/admin/api/2025-01/shop.json" }, id: "shop.id", label: "shop.name" },
  webhooks: {
    scheme: "shopify",
    // The app's client secret signs its webhooks.
    secretEnv: "SHOPIFY_WEBHOOK_SECRET",
    event: { header: "x-shopify-topic" },
    deliveryId: { header: "x-shopify-webhook-id" },
    events: ["orders/create", "orders/paid", "products/update", "customers/create", "app/uninstalled"],
  },
});
