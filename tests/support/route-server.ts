import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handler = (request: Request) => Response | Promise<Response>;
export type RouteModule = Partial<Record<"GET" | "POST" | "DELETE" | "OPTIONS", Handler>>;

export type RouteServer = { url: string; server: Server; close: () => Promise<void> };

function toRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
  return new Request(new URL(incoming.url ?? "/", origin), {
    method: incoming.method,
    headers,
    body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void outgoing.end();
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  outgoing.on("close", () => body.destroy());
  body.pipe(outgoing);
}

/**
 * Serves Next route handlers on a real local HTTP server (streamed bodies, so SSE works), for tests
 * that drive them with real clients: the MCP SDK's transports, OAuth discovery and token requests.
 */
export async function startRouteServer(routes: Record<string, RouteModule>): Promise<RouteServer> {
  let origin = "";
  const server = createServer(async (incoming, outgoing) => {
    const request = toRequest(incoming, origin);
    const handler = routes[new URL(request.url).pathname]?.[request.method as keyof RouteModule];
    if (!handler) return void outgoing.writeHead(404).end();
    try {
      await send(await handler(request), outgoing);
    } catch (error) {
      outgoing.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
