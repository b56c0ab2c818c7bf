import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  // prom-client: the same copy server.ts's intake fast path loads, as the tests run it.
  serverExternalPackages: ["better-sqlite3", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    // Each route's server code is loaded when the route is first asked for, not all of them at start:
    // loading every page and route at start held about 90 MB (their bundles' source text and code) that
    // a server answering a few routes never needs (docs/performance.md, "OpenAPI import").
    preloadEntriesOnStart: false,
  },
};

export default nextConfig;
