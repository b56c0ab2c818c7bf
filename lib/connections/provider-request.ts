import "server-only";
import { attachCredential, boundCredential, type CredentialPlacement } from "@/lib/http/credential";
import { readLimited, ResponseTooLargeError } from "@/lib/http/limited-body";
import { expandTemplate, type Provider } from "@/lib/providers";
import type { RequestSpec } from "@/lib/providers/schema";

export type Credential = { accessToken: string } | { apiKey: string };

export class ProviderRequestError extends Error {
  override name = "ProviderRequestError";
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;
/** Account lookups and key checks answer small JSON documents. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Where the provider wants the credential: a bearer token, or the API key's header or query parameter. */
export function credentialPlacement(provider: Provider, credential: Credential): CredentialPlacement {
  if ("accessToken" in credential) return { in: "header", name: "authorization", value: `Bearer ${credential.accessToken}` };
  const placement = provider.apiKey?.placement;
  if (!placement) throw new Error(`${provider.name} takes no API key`);
  if (placement.in === "header") return { in: "header", name: placement.name, value: `${placement.prefix}${credential.apiKey}` };
  return { in: "query", name: placement.name, value: credential.apiKey };
}

/** Makes one of the provider's declared requests (account lookup, key check) with a credential. */
export async function providerRequest(provider: Provider, spec: RequestSpec, credential: Credential): Promise<unknown> {
  // A declared request goes to the declared URL only (redirects are errors), so the credential is bound to that origin.
  const declared = new URL(expandTemplate(provider, spec.url));
  const bound = boundCredential(`${provider.name}'s credential`, [declared.origin], [credentialPlacement(provider, credential)]);
  const { url, headers } = attachCredential(bound, declared, { accept: "application/json", "user-agent": "Patchbay", ...spec.headers }, true);
  let response: Response;
  try {
    response = await fetch(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    throw new ProviderRequestError(undefined, `${provider.name} could not be reached (${(error as Error).name})`);
  }
  if (!response.ok) throw new ProviderRequestError(response.status, `${provider.name} answered HTTP ${response.status}`);
  try {
    return JSON.parse((await readLimited(response, MAX_ANSWER_BYTES)).toString("utf8"));
  } catch (error) {
    if (error instanceof ResponseTooLargeError) throw new ProviderRequestError(response.status, `${provider.name} answered with more than 1 MB`);
    throw new ProviderRequestError(response.status, `${provider.name} answered with something other than JSON`);
  }
}

/** Reads `a.b.c` out of a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((current, key) => (current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}
