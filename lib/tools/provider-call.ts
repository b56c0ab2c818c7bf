import "server-only";
import { credentialFor, credentialPlacement, providerApiBase } from "@/lib/connections";
import { boundCredential, httpRequest, type HttpResponse } from "@/lib/http";
import { getProvider } from "@/lib/providers";

export type ProviderCall = {
  path: string;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A POST that only reads (a GraphQL query, a search) may be retried like a GET. */
  idempotent?: boolean;
};

/**
 * A request to a provider's API as this user: the base URL from the provider declaration (its
 * environment override, and the connection's own values), the user's credential placed where the provider wants it, the provider's
 * rate limit per connection, timeouts and retries from lib/http.
 */
export async function callProvider(userId: string, providerId: string, call: ProviderCall): Promise<HttpResponse> {
  const provider = getProvider(providerId);
  if (!provider) throw new Error(`There is no provider "${providerId}".`);
  const { credential, connectionId, values, origins, owner } = await credentialFor(userId, providerId);
  // The connection's own base URL where the provider has one per account (a Salesforce instance, a Jira site).
  const url = new URL(`${providerApiBase(provider, values)}${call.path}`);
  for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
  return httpRequest({
    url: url.toString(),
    method: call.method ?? "GET",
    headers: { accept: "application/json", ...provider.apiHeaders, ...call.headers },
    credential: boundCredential(owner, origins, [credentialPlacement(provider, credential)]),
    body: call.body,
    idempotent: call.idempotent,
    rateLimit: { key: `${providerId}:${connectionId}`, ...provider.rateLimit },
  });
}
