/**
 * Where providers publish their OpenAPI descriptions (GitHub's rest-api-description, Stripe's
 * openapi and Asana's openapi repositories on raw.githubusercontent.com), played by a static server
 * of the small excerpts in tests/fixtures/openapi/catalog: GET /<name> answers the file with the
 * content type raw.githubusercontent.com gives it (text/plain). Tests point GITHUB_OPENAPI_URL,
 * STRIPE_OPENAPI_URL and ASANA_OPENAPI_URL here. GET /_fake/state counts the requests per file.
 * Run alone with `node e2e/fakes/published-descriptions.ts` (FAKE_DESCRIPTIONS_PORT). Never imported by app code.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../../tests/fixtures/openapi/catalog", import.meta.url));

export type FakeDescriptions = { url: string; server: Server; requests: Record<string, number>; close: () => Promise<void> };

export async function startFakeDescriptions(port = 0): Promise<FakeDescriptions> {
  const files = new Map(
    readdirSync(FIXTURES)
      .filter((name) => /\.(json|ya?ml)$/.test(name))
      .map((name) => [name, readFileSync(join(FIXTURES, name))]),
  );
  const requests: Record<string, number> = {};
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? "/", "http://fake").pathname.slice(1));
    if (name === "_fake/state") return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests }));
    const body = request.method === "GET" ? files.get(name) : undefined;
    if (!body) return void response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404: Not Found");
    requests[name] = (requests[name] ?? 0) + 1;
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "max-age=300" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeDescriptions(Number(process.env.FAKE_DESCRIPTIONS_PORT ?? 0));
  console.log(`published OpenAPI descriptions on ${fake.url}`);
}
