import "server-only";
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

/** Adds the credential where the provider wants it: a bearer token, or the API key's header or query parameter. */
export function authorize(provider: Provider, url: URL, headers: Headers, credential: Credential): void {
  if ("accessToken" in credential) {
    headers.set("authorization", `Bearer ${credential.accessToken}`);
    return;
  }
  const placement = provider.apiKey?.placement;
  if (!placement) throw new Error(`${provider.name} takes no API key`);
  if (placement.in === "header") headers.set(placement.name, `${placement.prefix}${credential.apiKey}`);
  else url.searchParams.set(placement.name, credential.apiKey);
}

/** Makes one of the provider's declared requests (account lookup, key check) with a credential. */
export async function providerRequest(provider: Provider, spec: RequestSpec, credential: Credential): Promise<unknown> {
  const url = new URL(expandTemplate(provider, spec.url));
  const headers = new Headers({ accept: "application/json", "user-agent": "Patchbay", ...spec.headers });
  authorize(provider, url, headers, credential);
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
    return await response.json();
  } catch {
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
  return path.split(".").reduce<unknown>((current, key) => (current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}
