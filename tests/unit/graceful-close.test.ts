import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closeGracefully } from "@/lib/platform/graceful-close";

/** A server like server.ts's (65 s keep-alive) whose answers wait until `release` is called. */
async function heldServer() {
  const waiting: (() => void)[] = [];
  let arrived!: () => void;
  const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((request, response) => {
    arrived();
    if (request.url === "/never") return; // answered by nobody
    waiting.push(() => response.end("answered"));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, firstArrival, release: () => waiting.splice(0).forEach((answer) => answer()) };
}

let open: Server | undefined;
afterEach(() => {
  open?.closeAllConnections();
  open?.close();
});

describe("closeGracefully (server.ts on SIGTERM)", () => {
  it("answers the request in progress, then drains even though its keep-alive connection stays open for 65 s otherwise", { timeout: 20_000 }, async () => {
    const { server, url, firstArrival, release } = await heldServer();
    open = server;
    const answer = fetch(`${url}/slow`).then(async (response) => ({ status: response.status, body: await response.text() }));
    await firstArrival;
    const closing = closeGracefully(server, 15_000);
    release();
    expect(await answer).toEqual({ status: 200, body: "answered" });
    expect(await closing).toBe("drained");
    await expect(fetch(`${url}/late`)).rejects.toThrow(); // no new connections
  });

  it("gives up after the grace period when a request is never answered", async () => {
    const { server, url, firstArrival } = await heldServer();
    open = server;
    const answer = fetch(`${url}/never`).catch(() => "cut");
    await firstArrival;
    expect(await closeGracefully(server, 300)).toBe("timed out");
    server.closeAllConnections();
    expect(await answer).toBe("cut");
  });
});
