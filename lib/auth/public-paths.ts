/** Paths reachable without a session: sign-in itself, Auth.js's own routes, health and webhook intake. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname === "/sign-up" ||
    pathname === "/api/health" ||
    pathname.startsWith("/api/auth/") ||
    pathname === "/api/webhooks" ||
    pathname.startsWith("/api/webhooks/")
  );
}
