import "server-only";
import { readVariable } from "@/lib/platform";
import { callbackUrl, expandTemplate, listProviders, missingSettings, oauthCredentials } from "./index";
import { providerCategories, type Provider, type ProviderCategory } from "./schema";

/** One service as the catalog page shows it: what it is, how it connects, and whether this instance is set up for it. */
export type CatalogEntry = {
  id: string;
  name: string;
  description: string;
  category: ProviderCategory;
  color: string;
  logo?: string;
  oauth?: {
    /** Client id and secret (and any settings such as a subdomain) are set: anyone can connect. */
    configured: boolean;
    /** What an admin must set before it can be used. */
    missing: string[];
    callbackUrl: string;
    scopes: string[];
    pkce: boolean;
    tokens: { expires: boolean; refresh: "rotating" | "reused" | "none" };
    revocable: boolean;
  };
  apiKey?: { variable: string; help?: string };
  webhooks?: { url: string; secretVariable: string; instanceSecretSet: boolean; scheme: string };
  /** The OpenAPI description the provider publishes: "Add tools" imports it (lib/openapi/provider-tools.ts). */
  openapi?: { url: string };
};

function entry(provider: Provider): CatalogEntry {
  const oauth2 = provider.oauth2;
  return {
    id: provider.id,
    name: provider.name,
    description: provider.description,
    category: provider.category,
    color: provider.color,
    logo: provider.logo,
    oauth: oauth2 && {
      configured: oauthCredentials(provider) !== undefined,
      missing: [...missingSettings(provider), ...[oauth2.clientIdEnv, oauth2.clientSecretEnv].filter((variable) => readVariable(variable) === undefined)],
      callbackUrl: callbackUrl(provider),
      scopes: oauth2.scopes,
      pkce: oauth2.pkce,
      tokens: oauth2.tokens,
      revocable: Boolean(oauth2.revoke),
    },
    apiKey: provider.apiKey && { variable: provider.apiKey.env, help: provider.apiKey.help },
    openapi: provider.openapi && { url: expandTemplate(provider, provider.openapi.url) },
    webhooks: provider.webhooks && {
      url: `/api/webhooks/${provider.id}`,
      secretVariable: provider.webhooks.secretEnv,
      instanceSecretSet: readVariable(provider.webhooks.secretEnv) !== undefined,
      scheme: provider.webhooks.scheme,
    },
  };
}

/** Whether a person may use the entry as things stand, without an admin setting anything up first. */
export function isUsable(entry: CatalogEntry): boolean {
  return Boolean(entry.apiKey || entry.oauth?.configured || entry.webhooks);
}

export type CatalogQuery = { search?: string; category?: string };

/**
 * The service catalog, filtered by a search (name, id, description or category) and a category.
 * `canSetUp`: the person may set services up (lib/auth/roles.ts); everyone else sees only the
 * services they can use now, so "needs an admin to set a client id" is shown to admins alone.
 */
export function serviceCatalog(query: CatalogQuery, canSetUp: boolean): CatalogEntry[] {
  const words = (query.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const category = providerCategories.find((name) => name === query.category);
  return listProviders()
    .map(entry)
    .filter((item) => canSetUp || isUsable(item))
    .filter((item) => !category || item.category === category)
    .filter((item) => words.every((word) => `${item.name} ${item.id} ${item.description} ${item.category}`.toLowerCase().includes(word)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The categories that have at least one service this person can see, with their counts. */
export function catalogCategories(canSetUp: boolean): { category: ProviderCategory; count: number }[] {
  const visible = serviceCatalog({}, canSetUp);
  return providerCategories
    .map((category) => ({ category, count: visible.filter((item) => item.category === category).length }))
    .filter((item) => item.count > 0);
}
