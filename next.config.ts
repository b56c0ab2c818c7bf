import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  // prom-client: the same copy server.ts's intake fast path loads, as the tests run it.
  serverExternalPackages: ["better-sqlite3", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
