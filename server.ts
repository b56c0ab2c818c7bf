/**
 * Patchbay's HTTP server: Next.js for everything, except webhook intake, which is handled on
 * Node's request and response before Next's router sees it (lib/webhooks/node-intake.ts). The
 * intake is the one path that must keep up with a sender's bursts; a route handler costs several
 * times what the verification and the insert do. Both paths share one database connection and
 * one event bus (process state: lib/platform/process-state.ts), so the dispatcher and the live log see every delivery.
 *
 *   npm run dev     tsx --conditions=react-server server.ts --dev
 *   npm start       MALLOC_MMAP_THRESHOLD_=65536 tsx --max-semi-space-size=16 --conditions=react-server server.ts [-p port] [-H hostname]
 *
 * Two settings of memory, given by every launcher (package.json, the Dockerfile, bench/harness.ts,
 * e2e/support/start-app.mjs), measured in docs/performance.md ("OpenAPI import"):
 * - --max-semi-space-size=16: V8 sizes the young generation from the machine's memory (64 MB
 *   semi-spaces, 128 MB resident, on 24 GB); 16 MB is plenty here and keeps ~100 MB off the
 *   server's resident memory.
 * - MALLOC_MMAP_THRESHOLD_=65536: the 64 KB buffers Node reads sockets and pipes into get their own
 *   mappings, returned to the system when freed. Otherwise glibc raises its threshold after the first
 *   large free and serves them from its heap, where a 13 MB upload's hundreds of them, freed among
 *   longer-lived blocks, stayed resident: each OpenAPI import kept 30-50 MB more.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { stampClientAddress } from "./lib/auth/client-address";
import { closeGracefully } from "./lib/platform/graceful-close";
import { stopTracing } from "./lib/platform/tracing";

const { values } = parseArgs({
  options: { dev: { type: "boolean", default: false }, port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  allowPositionals: false,
});
const dev = values.dev;
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? (dev ? "localhost" : "0.0.0.0");
// lib/platform/env.ts derives APP_URL's default from these, so -p and -H count as much as PORT and HOSTNAME.
process.env.PORT = String(port);
if (values.hostname) process.env.HOSTNAME = values.hostname;

const { default: next } = await import("next");
const app = next({ dev, hostname, port, dir: import.meta.dirname });
const handle = app.getRequestHandler();
await app.prepare();
const { handleIntake, intakeTarget } = await import("./lib/webhooks/node-intake");

const server = createServer((request, response) => {
  stampClientAddress(request); // sign-in throttling needs the socket address, which Next's Request lacks
  const target = intakeTarget(request.url);
  if (target) void handleIntake(request, response, target);
  else void handle(request, response);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`patchbay listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}${dev ? " (development)" : ""}`);
});

/**
 * SIGTERM (docker stop, compose down) and SIGINT: no new connections, the requests in progress
 * answered, then exit; 5 s at most. A delivery the dispatcher is processing at that moment stays
 * leased in the database and is taken up again when its lease (WEBHOOK_LEASE_SECONDS) runs out,
 * by the next start or another process; nothing answered 2xx is lost either way.
 */
const SHUTDOWN_GRACE_MS = 5000;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(0); // a second signal: at once
    stopping = true;
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    void closeGracefully(server, SHUTDOWN_GRACE_MS - 500)
      .then(() => app.close())
      .then(() => stopTracing()) // the spans still buffered go to the collector
      .finally(() => process.exit(0));
  });
}
