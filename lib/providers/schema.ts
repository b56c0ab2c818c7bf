import { z } from "zod";

/**
 * The shape of a provider declaration. Built-in providers (one file each in this folder) and the
 * deployment's own (PROVIDERS_FILE, JSON) are validated by this same schema.
 *
 * URL fields are templates: `{name}` is replaced by the provider's `urls[name]`, whose value comes
 * from its environment variable when set (GITHUB_API_URL, ...) and from `default` otherwise.
 */

const variableName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: "expected an environment variable name such as ACME_CLIENT_ID" });
const template = z.string().min(1);
/** A URL that may hold `{setting}` placeholders (a tenant, a subdomain, a shop), filled in from the provider's settings. */
const urlTemplate = z
  .string()
  .refine((value) => URL.canParse(value.replace(/\{\w+\}/g, "x")), { message: "expected a URL, such as https://{subdomain}.example.com" });
/** A dotted path into a JSON response, such as `data.viewer.id` or `login`. */
const jsonPath = z.string().regex(/^[\w$-]+(\.[\w$-]+)*$/, { message: "expected a dotted JSON path such as data.viewer.id" });

export const requestSpecSchema = z.object({
  url: template,
  method: z.enum(["GET", "POST"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
});

export const oauth2Schema = z.object({
  authorizeUrl: template,
  tokenUrl: template,
  /** Where refresh_token grants go when that is not the token endpoint (Figma's /v1/oauth/refresh). */
  refreshUrl: template.optional(),
  scopes: z.array(z.string()).default([]),
  scopeSeparator: z.string().default(" "),
  /** Extra authorize-URL parameters the provider needs (Notion's owner=user, ...). */
  authorizeParams: z.record(z.string(), z.string()).default({}),
  pkce: z.boolean(),
  /**
   * The header an OAuth access token travels in (Shopify: X-Shopify-Access-Token with no prefix).
   * Unset: Authorization: Bearer.
   */
  tokenHeader: z.object({ name: z.string().toLowerCase(), prefix: z.string().default("") }).optional(),
  /**
   * How the provider's tokens behave, as its docs describe them: whether access tokens expire, and
   * whether a refresh answers a new refresh token (rotating: the old one stops working), keeps the
   * old one (reused), or there is no refresh token at all. Shown on the catalog page; the test fake
   * plays each declaration this way.
   */
  tokens: z
    .object({ expires: z.boolean().default(true), refresh: z.enum(["rotating", "reused", "none"]).default("reused") })
    .default({ expires: true, refresh: "reused" }),
  /** The token endpoint answers without a token_type (Shopify, ClickUp, Mailchimp): the token is a bearer token all the same. */
  tokenTypeOptional: z.boolean().default(false),
  clientAuth: z.enum(["client_secret_post", "client_secret_basic"]).default("client_secret_post"),
  clientIdEnv: variableName,
  clientSecretEnv: variableName,
  /** token_type values besides bearer that the provider issues (Slack: bot). */
  extraTokenTypes: z.array(z.string().toLowerCase()).default([]),
  /** Token-endpoint error codes that mean the grant is gone and the person must reconnect. */
  invalidGrantErrors: z.array(z.string()).default(["invalid_grant"]),
  revoke: z
    .object({
      url: template,
      method: z.enum(["POST", "DELETE"]).default("POST"),
      /**
       * rfc7009: form `token=` with client auth; json-access-token: JSON `{access_token}` with HTTP
       * Basic client auth (GitHub); bearer: the access token itself in the token header, no body
       * (Dropbox's /2/auth/token/revoke, Intercom's /auth/uninstall, Zendesk's DELETE tokens/current);
       * refresh-token-path: the refresh token as the last path segment of the URL, no body and no
       * client authentication (HubSpot's DELETE /oauth/v1/refresh-tokens/:token).
       */
      style: z.enum(["rfc7009", "json-access-token", "bearer", "refresh-token-path"]).default("rfc7009"),
      /**
       * A JSON field that must be `true` in a 2xx answer for the revocation to count (Slack's
       * auth.revoke answers failures as HTTP 200 with {"ok": false}). Unset: the status decides.
       */
      okField: jsonPath.optional(),
    })
    .optional(),
});

export const apiKeySchema = z.object({
  /** The instance-wide fallback key: <SERVICE>_API_KEY. */
  env: variableName,
  placement: z.discriminatedUnion("in", [
    z.object({ in: z.literal("header"), name: z.string().min(1), prefix: z.string().default("") }),
    z.object({ in: z.literal("query"), name: z.string().min(1) }),
  ]),
  /** A cheap request that succeeds only with a valid key, made before a key is saved. */
  check: requestSpecSchema.optional(),
  /** Where to get a key, shown beside the form. */
  help: z.string().optional(),
});

/**
 * A value a connection keeps, read once when it is made: from the token answer (Salesforce's
 * instance_url) or from a request made with the new token (Mailchimp's metadata, Atlassian's
 * accessible-resources). Templates use it as `{connection.<name>}`, so that connection's requests
 * go where its account lives. It is checked before it is kept, since it goes into URLs: `url` an
 * https URL (http only on a loopback address), `pattern` an anchored regular expression.
 */
export const connectionValueSchema = z
  .object({
    from: z.enum(["token", "request"]),
    /** The discovery request (with the new token) when `from` is request. */
    request: requestSpecSchema.optional(),
    /** Where the value is in the answer: `instance_url`, `dc`, `0.id`. */
    path: jsonPath,
    format: z.union([z.literal("url"), z.object({ pattern: z.string().min(2) })]),
    /** Sealed at rest like the tokens; a value that is not a secret (a URL, an id) is kept plain. */
    secret: z.boolean().default(false),
  })
  .refine((value) => (value.from === "request") === (value.request !== undefined), { message: "a request value names its request, a token value none" });

/** Where a provider publishes its OpenAPI description, for "Add tools" on the catalog page (lib/openapi/provider-tools.ts). */
export const openapiSchema = z.object({
  /** The description's URL: a template over `urls`, so tests and offline installs point it elsewhere. */
  url: template,
  /** The server its operations go to; unset: the provider's apiBaseUrl. */
  serverUrl: template.optional(),
  /** The description's security scheme the connection's credential fills; unset: a bearer token. */
  scheme: z.string().min(1).optional(),
});

export const accountSchema = z.object({
  request: requestSpecSchema,
  id: jsonPath,
  label: jsonPath,
  labelPrefix: z.string().default(""),
  avatar: jsonPath.optional(),
});

/**
 * Where a value comes from in a webhook delivery: a header, or a path into the JSON payload; `value`
 * when neither gives it (a sender whose deliveries carry no event name, such as Dropbox's).
 */
const deliveryField = z
  .object({ header: z.string().toLowerCase().optional(), path: jsonPath.optional(), value: z.string().min(1).optional() })
  .refine((field) => field.header || field.path || field.value, { message: "give a header, a path or a value" });

export const webhookSchemes = [
  "github-hmac-sha256",
  "stripe",
  "slack-v0",
  "standard-webhooks",
  "svix",
  "shopify",
  "linear",
  "gitlab-token",
  "intercom",
  "typeform",
  "sentry",
  "pagerduty",
  "calendly",
  "workos",
  "mux",
  "razorpay",
  "box",
  "dropbox",
  "zoom",
  "hubspot-v3",
  "square",
  "twilio",
  "paddle",
  "discord",
  "sendgrid",
] as const;

export const webhooksSchema = z.object({
  scheme: z.enum(webhookSchemes),
  /** The instance-wide signing secret for /api/webhooks/<provider>. */
  secretEnv: variableName,
  event: deliveryField,
  /** Unset when the sender gives none (Calendly, Dropbox): a byte-identical body then counts as a redelivery. */
  deliveryId: deliveryField.optional(),
  hookId: deliveryField.optional(),
  action: deliveryField.optional(),
  repository: deliveryField.optional(),
  /** Events offered when creating an endpoint or registering a hook. */
  events: z.array(z.string()).default([]),
});

export const providerCategories = [
  "developer",
  "communication",
  "productivity",
  "crm",
  "support",
  "commerce",
  "payments",
  "marketing",
  "files",
  "monitoring",
  "design",
  "scheduling",
  "webhooks",
  "other",
] as const;

/**
 * An instance-wide value a provider's URLs need (a Microsoft tenant, a Zendesk subdomain, a
 * Shopify shop, a self-managed GitLab's host is a `urls` entry instead). `{name}` in a URL or
 * template is replaced by it; a setting without a default must be set before the provider works.
 */
export const settingSchema = z.object({
  env: variableName,
  label: z.string().min(1),
  /** What a value must look like (anchored); it goes into host names and paths, so it is kept tight. */
  pattern: z.string().default("^[a-z0-9][a-z0-9-]{0,62}$"),
  default: z.string().optional(),
  example: z.string().optional(),
});

export const providerSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, { message: "expected a lower-case id such as acme or acme-crm" }),
    name: z.string().min(1),
    description: z.string().default(""),
    /** Accent colour for the provider's monogram logo. */
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .default("#52525b"),
    category: z.enum(providerCategories).default("other"),
    /** A simple-icons slug (simpleicons.org), shown as the logo; unset: a monogram in `color`. */
    logo: z
      .string()
      .regex(/^[a-z0-9]+$/)
      .optional(),
    settings: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/), settingSchema).default({}),
    urls: z.record(z.string(), z.object({ default: urlTemplate, env: variableName.optional() })).default({}),
    apiBaseUrl: template,
    oauth2: oauth2Schema.optional(),
    apiKey: apiKeySchema.optional(),
    /** Who is connected, read with the new token after an OAuth connection. */
    account: accountSchema.optional(),
    /** Values each connection keeps (its instance URL, data center, cloud id): `{connection.<name>}` in templates. */
    connectionValues: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), connectionValueSchema).default({}),
    /** The OpenAPI description the provider publishes, if any. */
    openapi: openapiSchema.optional(),
    /** Headers every API call to this provider carries (API versions and the like). */
    apiHeaders: z.record(z.string(), z.string()).default({}),
    /** Outbound calls per connection: a token bucket (burst `capacity`, then `refillPerSecond`). */
    rateLimit: z.object({ capacity: z.number().int().min(1), refillPerSecond: z.number().positive() }).default({ capacity: 10, refillPerSecond: 5 }),
    /** How this provider signs and labels the webhooks it sends. */
    webhooks: webhooksSchema.optional(),
  })
  .refine((provider) => provider.oauth2 || provider.apiKey || provider.webhooks, {
    message: "declare oauth2, apiKey, webhooks, or a combination",
    path: ["oauth2"],
  });

export type ProviderDeclaration = z.input<typeof providerSchema>;
export type Provider = z.output<typeof providerSchema>;
export type RequestSpec = z.output<typeof requestSpecSchema>;
export type ConnectionValueSpec = z.output<typeof connectionValueSchema>;
export type WebhookScheme = (typeof webhookSchemes)[number];
export type ProviderCategory = (typeof providerCategories)[number];

/** Typed identity function: a built-in provider file is checked against the schema when written. */
export function defineProvider(declaration: ProviderDeclaration): ProviderDeclaration {
  return declaration;
}
