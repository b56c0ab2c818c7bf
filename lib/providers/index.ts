import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { env, readVariable } from "@/lib/platform";
import { github } from "./github";
import { linear } from "./linear";
import { notion } from "./notion";
import { openweather } from "./openweather";
import { providerSchema, type Provider } from "./schema";
import { slack } from "./slack";
import { standardWebhooks } from "./standard-webhooks";
import { stripe } from "./stripe";

export type { Provider, RequestSpec, WebhookScheme } from "./schema";
export { checkProviderVariables } from "./variables";

const builtIn = [github, slack, linear, notion, stripe, openweather, standardWebhooks];

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

/** The provider's base URLs, each from its environment variable when set. */
export function providerUrls(provider: Provider): Record<string, string> {
  return Object.fromEntries(
    Object.entries(provider.urls).map(([name, url]) => [name, (url.env && readVariable(url.env)) || url.default].map(String)),
  ) as Record<string, string>;
}

/** Expands `{name}` placeholders from the provider's URLs (and any extra values such as clientId). */
export function expandTemplate(provider: Provider, template: string, extra: Record<string, string> = {}): string {
  const values = { ...providerUrls(provider), ...extra };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name]!.replace(/\/+$/, "") : whole));
}

export type OAuthClientCredentials = { clientId: string; clientSecret: string };

/** The OAuth client credentials, or undefined when the provider is not configured on this instance. */
export function oauthCredentials(provider: Provider): OAuthClientCredentials | undefined {
  if (!provider.oauth2) return undefined;
  const clientId = readVariable(provider.oauth2.clientIdEnv);
  const clientSecret = readVariable(provider.oauth2.clientSecretEnv);
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The exact redirect URI to register with the provider. */
export function callbackUrl(provider: Provider): string {
  return `${env().APP_URL}/api/connections/${provider.id}/callback`;
}
