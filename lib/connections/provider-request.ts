import "server-only";
import { attachCredential, boundCredential, type CredentialPlacement, readLimited, ResponseTooLargeError } from "@/lib/http";
import { expandTemplate, type Provider, type RequestSpec } from "@/lib/providers";

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
  if ("accessToken" in credential) {
    const header = provider.oauth2?.tokenHeader ?? { name: "authorization", prefix: "Bearer " };
    return { in: "header", name: header.name, value: `${header.prefix}${credential.accessToken}` };
  }
  const placement = provider.apiKey?.placement;
  if (!placement) throw new Error(`${provider.name} takes no API key`);
  if (placement.in === "header") return { in: "header", name: placement.name, value: `${placement.prefix}${credential.apiKey}` };
  return { in: "query", name: placement.name, value: credential.apiKey };
}

/**
 * Makes one of the provider's declared requests (account lookup, key check) with a credential.
 * `values` fill further placeholders (the token answer's fields as `{token.instance_url}`).
 */
export async function providerRequest(provider: Provider, spec: RequestSpec, credential: Credential, values: Record<string, string> = {}): Promise<unknown> {
  // A declared request goes to the declared URL only (redirects are errors), so the credential is bound to that origin.
  const declared = new URL(expandTemplate(provider, spec.url, values));
  if (declared.protocol !== "https:" && declared.protocol !== "http:") throw new ProviderRequestError(undefined, `${provider.name}'s URL is not http(s)`);
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
    throw new ProviderRequestError(undefined, `${provider.name} could not be reached at ${url.host}: ${unreachableReason(error)}`);
  }
  if (!response.ok) throw new ProviderRequestError(response.status, `${provider.name} answered HTTP ${response.status}`);
  try {
    return JSON.parse((await readLimited(response, MAX_ANSWER_BYTES)).toString("utf8"));
  } catch (error) {
    if (error instanceof ResponseTooLargeError) throw new ProviderRequestError(response.status, `${provider.name} answered with more than 1 MB`);
    throw new ProviderRequestError(response.status, `${provider.name} answered with something other than JSON`);
  }
}

const networkReasons: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name could not be found",
  EAI_AGAIN: "the host name could not be looked up",
  ECONNRESET: "the connection was reset",
  UND_ERR_SOCKET: "the connection closed before an answer came",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
};

/** Why a request never got an answer, in words a person can act on (fetch only says "TypeError: fetch failed"). */
export function unreachableReason(error: unknown): string {
  if ((error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError") return `no answer within ${TIMEOUT_MS / 1000} s`;
  const code = ((error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code) as string | undefined;
  if (code && networkReasons[code]) return networkReasons[code];
  return code ? `the network failed (${code})` : "the network request failed";
}

/** Reads `a.b.c` out of a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((current, key) => (current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}
