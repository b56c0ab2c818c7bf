/**
 * Paths reachable without a session: sign-in itself, "forgot password" and the mailed reset link, Auth.js's own routes, health, webhook intake,
 * and what MCP clients call before or instead of a session (OAuth metadata, client registration,
 * the token endpoint, and the MCP endpoint, which checks its bearer token itself), and the OAuth
 * authorization endpoint, which checks a request before it sends anyone to sign in (the consent
 * page behind it is not public), and invite links (the page checks the token itself), and
 * Prometheus's /metrics (it checks METRICS_TOKEN itself).
 */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname === "/sign-up" ||
    pathname.startsWith("/invite/") ||
    pathname === "/forgot-password" ||
    pathname === "/reset-password" ||
    pathname === "/api/health" ||
    pathname === "/metrics" ||
    pathname.startsWith("/api/auth/") ||
    pathname === "/api/webhooks" ||
    pathname.startsWith("/api/webhooks/") ||
    pathname.startsWith("/.well-known/oauth-") ||
    pathname === "/api/oauth/register" ||
    pathname === "/api/oauth/token" ||
    pathname === "/oauth/authorize" ||
    pathname === "/api/mcp"
  );
}
