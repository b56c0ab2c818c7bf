import { EnvError, httpUrlError, readVariable } from "@/lib/platform";
import type { Provider, WebhookScheme } from "./schema";

/** What a webhook signing secret of each scheme must look like (checked again when each delivery is verified). */
const webhookSecretFormats: Record<WebhookScheme, { pattern: RegExp; expected: string }> = {
  "github-hmac-sha256": { pattern: /^\S(.*\S)?$/, expected: "the webhook secret set on the GitHub hook" },
  stripe: { pattern: /^whsec_\S+$/, expected: "the endpoint's signing secret, which starts with whsec_" },
  "slack-v0": { pattern: /^\S+$/, expected: "the app's signing secret (Basic Information → App Credentials), without spaces" },
  "standard-webhooks": {
    pattern: /^(whsec_)?(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/,
    expected: "base64 of the secret bytes, optionally prefixed with whsec_",
  },
};

/**
 * The variables that provider declarations name (built-in and PROVIDERS_FILE ones): URL overrides
 * must be http(s) URLs and webhook signing secrets (and their *_PREVIOUS) must fit their scheme.
 * They are read on demand through readVariable(); this runs at start-up so a bad value stops
 * start-up with one line instead of failing on first use. Throws EnvError.
 */
export function checkProviderVariables(providers: readonly Provider[], source: Record<string, string | undefined> = process.env): void {
  for (const provider of providers) {
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
