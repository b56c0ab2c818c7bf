/**
 * The response headers every page and API answer carries (set by proxy.ts). Pages get a
 * Content-Security-Policy with a fresh nonce per request: Next.js reads it from the request's
 * policy and stamps its own scripts and inline styles with it, which works because every page is
 * rendered per request (app/layout.tsx waits for the connection).
 */

/** No framing anywhere: the consent page and /users were framed from another port of the same host. */
const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** For JSON, event streams and redirects: nothing may load from them or frame them. */
export const API_POLICY = `default-src 'none'; ${FRAME_ANCESTORS}`;

/** 128 random bits, base64, as a CSP nonce-source. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * Pages whose forms end on another origin by design: the consent page's Allow and Deny (the client's
 * redirect URI: any https origin, a loopback port or a private-use scheme), "Sign in with GitHub",
 * and an invite's "Join with GitHub" (/invite/<token>).
 * Chromium checks form-action on every redirect after a form is posted, which is how those forms
 * travel before the page has hydrated or without JavaScript; so these pages have no form-action.
 */
const FORMS_LEAVE_ORIGIN = new Set(["/oauth/authorize/consent", "/sign-in"]);
const formsLeaveOrigin = (pathname: string) => FORMS_LEAVE_ORIGIN.has(pathname) || /^\/invite\/[^/]+$/.test(pathname);

export function pagePolicy(nonce: string, { pathname, development }: { pathname: string; development: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) run too; 'self' is only the fallback
    // for browsers without it. Development needs eval for React's error overlay and stack reconstruction.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Development injects styles without a nonce (and 'unsafe-inline' is ignored next to a nonce).
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    // style="" attributes (avatar and logo sizes, the delivery chart's bars) cannot carry a nonce;
    // they can neither run script nor load anything img-src does not allow.
    "style-src-attr 'unsafe-inline'",
    // Images come from Patchbay only (account pictures are shown as initials, app/_components/avatar.tsx).
    "img-src 'self' data:",
    "font-src 'self'",
    // fetch and EventSource go to Patchbay only: the agent's stream, the import preview, the live logs.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    ...(formsLeaveOrigin(pathname) ? [] : ["form-action 'self'"]),
    FRAME_ANCESTORS,
  ].join("; ");
}

/**
 * `same-origin`: Patchbay's own pages get the full Referer; no other site gets any, not even the
 * origin, so a code or state in one of our addresses (the consent page, an OAuth callback) never
 * leaves in a Referer. Not `no-referrer`: browsers then send `Origin: null` on same-origin POSTs,
 * which fails both Next's server-action check and our CSRF guard.
 *
 * HSTS only when APP_URL, the public address the operator configured, is https (a TLS-terminating
 * proxy in front): no subdomains, no preload list, since the operator's other hosts are theirs to
 * decide. A browser ignores the header on a plain-http answer, so a direct http request to the
 * process behind the proxy is unaffected.
 */
export function securityHeaders(policy: string, { https }: { https: boolean }): [string, string][] {
  const headers: [string, string][] = [
    ["Content-Security-Policy", policy],
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
  ];
  if (https) headers.push(["Strict-Transport-Security", "max-age=31536000"]);
  return headers;
}

/**
 * An API answer with the headers the proxy puts on every other one, for the few routes the proxy
 * does not run on (see the matcher in proxy.ts).
 */
export function withApiSecurityHeaders(response: Response, options: { https: boolean }): Response {
  for (const [name, value] of securityHeaders(API_POLICY, options)) response.headers.set(name, value);
  return response;
}

/**
 * The nonce the proxy gave this request (it forwards the page policy as a request header, which is
 * how Next finds it too), for a route handler that answers with HTML of its own.
 */
export function requestNonce(headers: Headers): string | undefined {
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(headers.get("content-security-policy") ?? "")?.[1];
}

/** Pages, as opposed to route handlers (JSON, event streams, OAuth metadata, Prometheus's /metrics). */
export function isPagePath(pathname: string): boolean {
  return !pathname.startsWith("/api/") && !pathname.startsWith("/.well-known/") && pathname !== "/metrics";
}

/**
 * Whether every percent-escape in the raw path decodes. Next's router throws on one that does not
 * while matching a dynamic segment and, with no Pages Router error page to render, answers a bare 500.
 */
export function isWellFormedPath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
