import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { env, readVariable } from "@/lib/platform";
import { airtable } from "./airtable";
import { asana } from "./asana";
import { atlassian } from "./atlassian";
import { bitbucket } from "./bitbucket";
import { box } from "./box";
import { calendly } from "./calendly";
import { clickup } from "./clickup";
import { discord } from "./discord";
import { dropbox } from "./dropbox";
import { figma } from "./figma";
import { github } from "./github";
import { gitlab } from "./gitlab";
import { google } from "./google";
import { hubspot } from "./hubspot";
import { intercom } from "./intercom";
import { linear } from "./linear";
import { mailchimp } from "./mailchimp";
import { microsoft } from "./microsoft";
import { monday } from "./monday";
import { notion } from "./notion";
import { providerSchema, type Provider } from "./schema";
import { openweather } from "./openweather";
import { pagerduty } from "./pagerduty";
import { salesforce } from "./salesforce";
import { sendgrid } from "./sendgrid";
import { sentry } from "./sentry";
import { shopify } from "./shopify";
import { slack } from "./slack";
import { standardWebhooks } from "./standard-webhooks";
import { stripe } from "./stripe";
import { typeform } from "./typeform";
import { vercel } from "./vercel";
import { zendesk } from "./zendesk";
import { zoom } from "./zoom";
import { clerk, mux, paddle, razorpay, resend, square, svix, twilio, workos } from "./webhook-senders";

export type { ConnectionValueSpec, Provider, ProviderCategory, RequestSpec, WebhookScheme } from "./schema";
export { providerCategories } from "./schema";
export { checkProviderVariables } from "./variables";

// The first six keep their order (the Connections page lists them first); the rest follow by name.
const builtIn = [
  github,
  slack,
  linear,
  notion,
  stripe,
  openweather,
  airtable,
  asana,
  atlassian,
  bitbucket,
  box,
  calendly,
  clickup,
  discord,
  dropbox,
  figma,
  gitlab,
  google,
  hubspot,
  intercom,
  mailchimp,
  microsoft,
  monday,
  pagerduty,
  salesforce,
  sendgrid,
  sentry,
  shopify,
  typeform,
  vercel,
  zendesk,
  zoom,
  standardWebhooks,
  svix,
  resend,
  clerk,
  twilio,
  paddle,
  square,
  workos,
  mux,
  razorpay,
];

export class ProviderConfigError extends Error {
  override name = "ProviderConfigError";
}

function describeIssue(source: string, entry: unknown, issue: z.core.$ZodIssue): string {
  const id = entry && typeof entry === "object" && "id" in entry ? ` (id "${String(entry.id)}")` : "";
  const field = issue.path.join(".") || "(entry)";
  return `${source}${id}: ${field}: ${issue.message}`;
}

function parseDeclarations(entries: unknown[], source: (index: number) => string): Provider[] {
  return entries.map((entry, index) => {
    const result = providerSchema.safeParse(entry);
    if (!result.success) throw new ProviderConfigError(describeIssue(source(index), entry, result.error.issues[0]!));
    return result.data;
  });
}

/** Providers declared by the deployment in PROVIDERS_FILE: a JSON array of declarations. */
export function loadProvidersFile(path: string): Provider[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ProviderConfigError(`PROVIDERS_FILE ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(json)) throw new ProviderConfigError(`PROVIDERS_FILE ${path}: expected a JSON array of provider declarations`);
  return parseDeclarations(json, (index) => `PROVIDERS_FILE entry ${index}`);
}

export function buildRegistry(extra: Provider[]): Map<string, Provider> {
  const registry = new Map<string, Provider>();
  for (const provider of [...parseDeclarations(builtIn, (index) => `built-in provider ${index}`), ...extra]) {
    if (registry.has(provider.id)) throw new ProviderConfigError(`PROVIDERS_FILE: provider id "${provider.id}" is declared twice`);
    registry.set(provider.id, provider);
  }
  return registry;
}

let cached: Map<string, Provider> | undefined;

function registry(): Map<string, Provider> {
  if (!cached) {
    const file = env().PROVIDERS_FILE;
    cached = buildRegistry(file ? loadProvidersFile(file) : []);
  }
  return cached;
}

export function listProviders(): Provider[] {
  return [...registry().values()];
}

export function getProvider(id: string): Provider | undefined {
  return registry().get(id);
}

export function resetProviderRegistry(): void {
  cached = undefined;
}

/**
 * The provider's settings (tenant, subdomain, shop) that have a value: from the environment, else
 * the default. A value that does not fit the setting's pattern counts as unset here too (start-up
 * refuses it: lib/providers/variables.ts), so it never reaches a host name or a path.
 */
export function providerSettings(provider: Provider): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, setting] of Object.entries(provider.settings)) {
    const value = readVariable(setting.env) ?? setting.default;
    if (value !== undefined && new RegExp(setting.pattern).test(value)) values[name] = value;
  }
  return values;
}

/** The settings this provider needs that have no value yet (their variables), so it cannot be used. */
export function missingSettings(provider: Provider): string[] {
  const values = providerSettings(provider);
  return Object.entries(provider.settings)
    .filter(([name]) => values[name] === undefined)
    .map(([, setting]) => setting.env);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([\w.]+)\}/g, (whole, name: string) => (name in values ? values[name]!.replace(/\/+$/, "") : whole));
}

/** The provider's base URLs, each from its environment variable when set, else its default with the settings filled in. */
export function providerUrls(provider: Provider): Record<string, string> {
  const settings = providerSettings(provider);
  return Object.fromEntries(
    Object.entries(provider.urls).map(([name, url]) => [name, (url.env && readVariable(url.env)) || fill(url.default, settings)].map(String)),
  ) as Record<string, string>;
}

/**
 * Expands `{name}` placeholders from the provider's URLs and settings (and any extra values such as
 * clientId, or `token.instance_url` from a token answer).
 */
export function expandTemplate(provider: Provider, template: string, extra: Record<string, string> = {}): string {
  return fill(template, { ...providerSettings(provider), ...providerUrls(provider), ...extra });
}

export type OAuthClientCredentials = { clientId: string; clientSecret: string };

/** The OAuth client credentials, or undefined when the provider is not configured on this instance. */
export function oauthCredentials(provider: Provider): OAuthClientCredentials | undefined {
  if (!provider.oauth2 || missingSettings(provider).length > 0) return undefined;
  const clientId = readVariable(provider.oauth2.clientIdEnv);
  const clientSecret = readVariable(provider.oauth2.clientSecretEnv);
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The exact redirect URI to register with the provider. */
export function callbackUrl(provider: Provider): string {
  return `${env().APP_URL}/api/connections/${provider.id}/callback`;
}
