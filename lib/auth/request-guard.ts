import "server-only";
import { env, ApiError } from "@/lib/platform";

/** Body types a state-changing route may take; JSON unless the route takes uploads. */
export type BodyType = "application/json" | "multipart/form-data";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The media type without parameters, lower-cased: "application/json; charset=utf-8" -> "application/json". */
function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Patchbay's own origins: APP_URL, and the origin the request itself was addressed to (the Host
 * the browser used, e.g. 127.0.0.1 while APP_URL says localhost). A page on another origin
 * cannot make a browser send a Host and an Origin that agree with each other and with our cookie.
 */
function isOwnOrigin(origin: string, request: Request): boolean {
  return origin === new URL(env().APP_URL).origin || origin === new URL(request.url).origin;
}

/**
 * A browser sends Origin with every cross-origin request and with same-origin POSTs, and
 * Sec-Fetch-Site with every request; either proves where a write came from. A request with
 * neither (curl, an old client) is refused too: cookie-authenticated writes come from our pages.
 */
function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return site === "same-origin";
  return isOwnOrigin(origin, request);
}

/**
 * The CSRF guard for cookie-authenticated route handlers: a state-changing request (any method
 * but GET, HEAD and OPTIONS) must come from Patchbay's own origin (403 otherwise) and carry one
 * of the accepted body types (415 otherwise). An HTML form on another site, even one on the same
 * site, can post text/plain, urlencoded or multipart with the person's cookie but cannot set
 * Content-Type: application/json without a CORS preflight, and cannot forge Origin.
 *
 * `withUser` runs it on every route. Routes that are not authenticated by the browser's cookie
 * do not use it: webhook intake and OAuth callbacks are cross-site by nature and carry their own
 * proof (a signature, a single-use state); a bearer-token API such as MCP is not exposed to CSRF
 * because a browser never attaches the token on its own. Returns the refusal, or undefined.
 */
export function refuseCrossSiteWrite(request: Request, accepts: readonly BodyType[] = ["application/json"]): ApiError | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  if (!isSameOrigin(request)) {
    return new ApiError("cross_origin", "This request must come from Patchbay's own pages (same origin).");
  }
  const type = mediaType(request.headers.get("content-type"));
  if (!accepts.some((accepted) => accepted === type)) {
    return new ApiError("unsupported_media_type", `Send the body as ${accepts.join(" or ")}.`);
  }
  return undefined;
}
