import { EnvError, httpUrlError, readVariable } from "@/lib/platform";
import type { Provider, WebhookScheme } from "./schema";

/** What a webhook signing secret of each scheme must look like (checked again when each delivery is verified). */
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const whsec = {
  pattern: /^(whsec_)?(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/,
  expected: "the whsec_... signing secret",
};
const anySecret = (expected: string) => ({ pattern: /^\S+$/, expected: `${expected}, without spaces` });

const webhookSecretFormats: Record<WebhookScheme, { pattern: RegExp; expected: string }> = {
  "github-hmac-sha256": { pattern: /^\S(.*\S)?$/, expected: "the webhook secret set on the GitHub hook" },
  stripe: { pattern: /^whsec_\S+$/, expected: "the endpoint's signing secret, which starts with whsec_" },
  "slack-v0": { pattern: /^\S+$/, expected: "the app's signing secret (Basic Information → App Credentials), without spaces" },
  "standard-webhooks": {
    pattern: /^(whsec_)?(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/,
    expected: "base64 of the secret bytes, optionally prefixed with whsec_",
  },
  svix: whsec,
  shopify: anySecret("the app's client secret"),
  linear: anySecret("the webhook's signing secret"),
  "gitlab-token": { pattern: /^\S(.*\S)?$/, expected: "the secret token set on the GitLab webhook" },
  intercom: anySecret("the app's client secret"),
  typeform: anySecret("the secret set on the Typeform webhook"),
  sentry: anySecret("the integration's client secret"),
  pagerduty: anySecret("the webhook subscription's secret"),
  calendly: anySecret("the webhook subscription's signing key"),
  workos: anySecret("the webhook endpoint's secret"),
  mux: anySecret("the webhook's signing secret"),
  razorpay: anySecret("the webhook secret"),
  box: anySecret("the primary signature key"),
  dropbox: anySecret("the app secret"),
  zoom: anySecret("the app's secret token"),
  "hubspot-v3": anySecret("the app's client secret"),
  square: anySecret("the subscription's signature key"),
  twilio: anySecret("the account's Auth Token"),
  paddle: anySecret("the notification destination's secret key"),
  discord: { pattern: /^[0-9a-fA-F]{64}$/, expected: "the application's public key: 64 hex digits" },
  sendgrid: { pattern: base64, expected: "the verification key: base64 (the public key in DER form)" },
};

/**
 * The variables that provider declarations name (built-in and PROVIDERS_FILE ones): URL overrides
 * must be http(s) URLs and webhook signing secrets (and their *_PREVIOUS) must fit their scheme.
 * They are read on demand through readVariable(); this runs at start-up so a bad value stops
 * start-up with one line instead of failing on first use. Throws EnvError.
 */
export function checkProviderVariables(providers: readonly Provider[], source: Record<string, string | undefined> = process.env): void {
  for (const provider of providers) {
    for (const setting of Object.values(provider.settings)) {
      const value = readVariable(setting.env, source);
      if (value !== undefined && !new RegExp(setting.pattern).test(value)) {
        throw new EnvError(
          `Invalid environment variable ${setting.env}: expected ${provider.name}'s ${setting.label}${setting.example ? `, e.g. ${setting.example}` : ""}`,
        );
      }
    }
    for (const [name, url] of Object.entries(provider.urls)) {
      const value = url.env && readVariable(url.env, source);
      const problem = value && httpUrlError(value);
      if (problem) throw new EnvError(`Invalid environment variable ${url.env}: ${problem} for ${provider.name}'s ${name} origin, e.g. ${url.default}`);
    }
    if (provider.webhooks) {
      const format = webhookSecretFormats[provider.webhooks.scheme];
      for (const variable of [provider.webhooks.secretEnv, `${provider.webhooks.secretEnv}_PREVIOUS`]) {
        const value = readVariable(variable, source);
        if (value && (!format.pattern.test(value) || value === "whsec_")) {
          throw new EnvError(`Invalid environment variable ${variable}: expected ${format.expected}`);
        }
      }
    }
  }
}
