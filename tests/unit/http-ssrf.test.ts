import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpRequest } from "@/lib/http/client";
import { BlockedRequestError, isForbiddenAddress } from "@/lib/http/ssrf";

let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? "");
    if (request.url === "/to-metadata") return response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (request.url === "/to-loopback") return response.writeHead(301, { location: "http://127.0.0.2:9/" }).end();
    if (request.url === "/to-localhost") return response.writeHead(307, { location: `http://localhost:${port}/ok` }).end();
    if (request.url === "/hop") return response.writeHead(302, { location: "/ok" }).end();
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
});

const guarded = (url: string) => httpRequest({ url, guard: true, retry: false, timeoutMs: 5000 });

describe("the SSRF guard", () => {
  it.each([
    "127.0.0.2",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
  ])("treats %s as forbidden", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    // IPv4-compatible ::/96, every spelling
    "::127.0.0.1",
    "::7f00:1",
    "0:0:0:0:0:0:7f00:1",
    "::a9fe:a9fe",
    "::8.8.8.8",
    // IPv4-mapped and IPv4-translated, every spelling
    "::FFFF:127.0.0.1",
    "0:0:0:0:0:ffff:7f00:1",
    "::ffff:0:127.0.0.1",
    "::ffff:0:a00:1",
    "::ffff:10.0.0.1%eth0",
    // 6to4 carrying a private IPv4 address
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::",
    // NAT64 (well-known and local-use prefixes)
    "64:ff9b::7f00:1",
    "64:ff9b::8.8.8.8",
    "64:ff9b:1::a00:1",
    // Teredo with a private server or (bit-inverted) client address
    "2001:0:7f00:1::",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe", // client 10.0.0.1
    // others
    "fec0::1",
    "100::1",
    "not-an-address",
    "1::2::3",
  ])("treats %s as forbidden", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "140.82.112.3", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"])(
    "lets public %s through",
    (address) => {
      expect(isForbiddenAddress(address)).toBe(false);
    },
  );

  it("allows a host listed in HTTP_TOOL_ALLOWED_HOSTS", async () => {
    const response = await guarded(`http://127.0.0.1:${port}/ok`);
    expect(response.body).toEqual({ ok: true, path: "/ok" });
    const hopped = await guarded(`http://127.0.0.1:${port}/hop`);
    expect(hopped.body).toEqual({ ok: true, path: "/ok" });
  });

  it.each([
    ["a loopback literal", () => `http://127.0.0.2:${port}/`],
    ["the metadata address", () => "http://169.254.169.254/latest/meta-data/"],
    ["IPv6 loopback", () => `http://[::1]:${port}/`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${port}/`],
    ["IPv4-compatible IPv6 loopback", () => `http://[::127.0.0.1]:${port}/`],
    ["IPv4-compatible IPv6 loopback in hex", () => `http://[::7f00:1]:${port}/`],
    ["6to4 wrapping loopback", () => `http://[2002:7f00:1::1]:${port}/`],
    ["a DNS name resolving to loopback", () => `http://localhost:${port}/ok`],
  ])("refuses %s before connecting", async (_label, url) => {
    await expect(guarded(url())).rejects.toBeInstanceOf(BlockedRequestError);
    expect(seen).toEqual([]);
  });

  it.each([
    ["the metadata address", "/to-metadata"],
    ["a loopback address", "/to-loopback"],
    ["a name that resolves to loopback", "/to-localhost"],
  ])("refuses a redirect to %s", async (_label, path) => {
    await expect(guarded(`http://127.0.0.1:${port}${path}`)).rejects.toBeInstanceOf(BlockedRequestError);
    expect(seen).toEqual([path]);
  });

  it("says a refused name's address is not allowed, never what the name resolved to", async () => {
    const direct = await guarded(`http://localhost:${port}/ok`).catch((error: Error) => error);
    const redirected = await guarded(`http://127.0.0.1:${port}/to-localhost`).catch((error: Error) => error);
    for (const error of [direct, redirected]) {
      expect(error).toBeInstanceOf(BlockedRequestError);
      expect((error as Error).message).toBe("Refused: the address of localhost is not allowed (private, loopback and link-local addresses are refused).");
      expect((error as Error).message).not.toMatch(/127\.0\.0\.1|::1|resolves/);
    }
  });

  it("refuses other schemes", async () => {
    await expect(guarded("file:///etc/passwd")).rejects.toThrow(/Only http and https/);
  });

  it("refuses everything private when nothing is allowed", async () => {
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "";
    await expect(guarded(`http://127.0.0.1:${port}/ok`)).rejects.toBeInstanceOf(BlockedRequestError);
    expect(seen).toEqual([]);
  });
});

describe("method-override headers", () => {
  it.each(["X-HTTP-Method-Override", "x-http-method", "X-METHOD-OVERRIDE"])("refuses %s before anything is sent", async (name) => {
    await expect(httpRequest({ url: `http://127.0.0.1:${port}/ok`, headers: { [name]: "DELETE" }, guard: true, retry: false })).rejects.toThrow(
      `Refused: the ${name} header is not sent`,
    );
    expect(seen).toEqual([]);
  });
});
