import "server-only";
import { BlockedRequestError } from "./ssrf";

/** Where a credential goes in a request. */
export type CredentialPlacement = { in: "header" | "query" | "cookie"; name: string; value: string };

/**
 * A credential together with the only origins it may be sent to. The outbound client attaches it
 * itself, per hop: it refuses a request whose URL is on another origin, and leaves the credential
 * off a redirect to another origin (and off any hop whose origin is not bound).
 */
export type BoundCredential = { origins: readonly string[]; placements: readonly CredentialPlacement[]; owner: string };

/** A credential was about to be sent to an origin it is not bound to; nothing was sent. */
export class CredentialOriginError extends BlockedRequestError {
  override name = "CredentialOriginError";
}

export function boundCredential(owner: string, origins: Iterable<string>, placements: CredentialPlacement[]): BoundCredential {
  return { owner, origins: [...new Set([...origins].map((origin) => new URL(origin).origin))], placements };
}

/** Request headers that carry credentials of their own: like fetch, they are not sent on to another origin. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

export function withoutCredentialHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name.toLowerCase())));
}

/**
 * The URL and headers of one hop with the credential in place when the hop's origin is bound.
 * The first hop to an unbound origin is refused before anything is sent.
 */
export function attachCredential(
  credential: BoundCredential | undefined,
  url: URL,
  headers: Record<string, string>,
  firstHop: boolean,
): { url: URL; headers: Record<string, string> } {
  if (!credential) return { url, headers };
  if (!credential.origins.includes(url.origin)) {
    if (firstHop) throw new CredentialOriginError(`Refused: ${credential.owner} may only be sent to ${credential.origins.join(", ")}, not ${url.origin}`);
    return { url, headers };
  }
  const target = new URL(url);
  const withCredential = { ...headers };
  for (const placement of credential.placements) {
    if (placement.in === "query") target.searchParams.set(placement.name, placement.value);
    else if (placement.in === "header") withCredential[placement.name.toLowerCase()] = placement.value;
    else {
      const cookie = `${placement.name}=${encodeURIComponent(placement.value)}`;
      withCredential.cookie = withCredential.cookie ? `${withCredential.cookie}; ${cookie}` : cookie;
    }
  }
  return { url: target, headers: withCredential };
}

/** Field names that carry credentials wherever they appear (header maps, bodies, nested objects). */
const CREDENTIAL_FIELD =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token|api[-_]?key|access[-_]?token|refresh[-_]?token|client[-_]?secret|password|secret|token)$/i;

export function isCredentialField(name: string): boolean {
  return CREDENTIAL_FIELD.test(name);
}
