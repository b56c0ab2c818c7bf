import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "../support/helpers";

/**
 * Issue 11, item 3: every outbound read is capped while it streams (Content-Length first, then the
 * bytes counted as they arrive), and run history keeps at most a bounded, marked preview.
 */

process.env.TOOL_RESPONSE_MAX_BYTES = String(1024 * 1024);
process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";

const { httpRequest } = await import("@/lib/http/client");
const { ResponseTooLargeError } = await import("@/lib/http/limited-body");
const { readSource } = await import("@/lib/openapi/source");
const { MAX_SPEC_BYTES } = await import("@/lib/openapi/limits");
const { OpenApiImportError } = await import("@/lib/openapi/document");
const { runTool, listToolRuns } = await import("@/lib/runs/tool-runs");
const { HISTORY_VALUE_MAX_BYTES, HISTORY_PREVIEW_BYTES } = await import("@/lib/runs/run-history");
const { saveApiKey } = await import("@/lib/connections/api-keys");

const MB = 1024 * 1024;
/** Where the "endless" body gives up, so that a client that never stops reading fails the byte assertions instead of hanging. */
const ENDLESS_STOPS_AT = 120 * MB;
/** What loopback socket buffers can hold beyond what the client read before it stopped. */
const SOCKET_SLACK = 16 * MB;

let server: Server;
let base: string;
let written = 0;
let closed: Promise<void> = Promise.resolve();

/** Writes `total` bytes in 64 KB chunks, respecting backpressure, until done or the client goes away. */
function stream(response: ServerResponse, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let finish!: () => void;
  closed = new Promise((resolve) => (finish = resolve));
  response.on("close", finish);
  const pump = () => {
    while (written < total && !response.destroyed) {
      written += chunk.length;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
    if (!response.destroyed) response.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/endless") {
      response.writeHead(200, { "content-type": "text/plain" });
      return stream(response, ENDLESS_STOPS_AT);
    }
    if (request.url === "/declares-400mb") {
      response.writeHead(200, { "content-type": "application/yaml", "content-length": String(400 * MB) });
      return stream(response, ENDLESS_STOPS_AT);
    }
    if (request.url === "/v1/balance") {
      response.writeHead(200, { "content-type": "application/json" });
      return stream(response, ENDLESS_STOPS_AT);
    }
    if (request.url === "/three-mb-json") {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(JSON.stringify({ items: "x".repeat(3 * MB) }));
    }
    if (request.url === "/200kb-json") {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(JSON.stringify({ items: Array.from({ length: 2000 }, (_, index) => ({ index, text: "y".repeat(90) })) }));
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  written = 0;
});

describe("the outbound client", () => {
  it("stops reading an endless body at the limit and cancels it", async () => {
    const limit = 256 * 1024;
    const error = await httpRequest({ url: `${base}/endless`, guard: true, retry: false, maxResponseBytes: limit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    const { bytesRead } = error as InstanceType<typeof ResponseTooLargeError>;
    expect(bytesRead).toBeGreaterThan(limit);
    expect(bytesRead).toBeLessThanOrEqual(limit + 256 * 1024); // at most one chunk past the limit is ever held
    await closed;
    expect(written).toBeLessThan(limit + SOCKET_SLACK);
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const error = await httpRequest({ url: `${base}/declares-400mb`, retry: false, maxResponseBytes: MB }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ResponseTooLargeError", bytesRead: 0, declared: 400 * MB });
    await closed;
    expect(written).toBeLessThan(SOCKET_SLACK);
  });

  it("reads bodies under the limit whole", async () => {
    const response = await httpRequest({ url: `${base}/three-mb-json`, guard: true, maxResponseBytes: 4 * MB });
    expect((response.body as { items: string }).items).toHaveLength(3 * MB);
  });
});

describe("a provider's declared requests", () => {
  it("stop reading an endless answer to a key check at 1 MB", async () => {
    process.env.STRIPE_API_URL = base;
    try {
      const user = await createUser("key-check");
      await expect(saveApiKey(user.id, "stripe", "sk_test_0123456789")).rejects.toThrow(
        "Could not check the key: Stripe answered with more than 1 MB. Nothing was saved yet",
      );
      await closed;
      expect(written).toBeLessThan(MB + SOCKET_SLACK);
    } finally {
      delete process.env.STRIPE_API_URL;
    }
  });
});

describe("importing a description from a URL", () => {
  it.each([
    ["an endless body", "/endless"],
    ["a declared 400 MB body", "/declares-400mb"],
  ])("stops at the 40 MB import limit for %s", async (_label, path) => {
    const error = await readSource({ kind: "url", url: `${base}${path}` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenApiImportError);
    expect((error as InstanceType<typeof OpenApiImportError>).problems).toEqual([{ location: "source.url", message: "The description is larger than 40 MB." }]);
    await closed;
    expect(written).toBeLessThan(MAX_SPEC_BYTES + SOCKET_SLACK);
  });
});

describe("tool responses and run history", () => {
  it("api-call refuses a response over TOOL_RESPONSE_MAX_BYTES and says so", async () => {
    const user = await createUser("big-response");
    const run = await runTool(user, "api-call", { endpoint: `${base}/endless` });
    expect(run.status).toBe("failed");
    expect(run.error).toBe("The response is larger than 1 MB; Patchbay stopped reading it.");
    await closed;
    expect(written).toBeLessThan(MB + SOCKET_SLACK);
  });

  it("keeps a large output in history as a marked, bounded preview", async () => {
    const user = await createUser("medium-response");
    const run = await runTool(user, "api-call", { endpoint: `${base}/200kb-json` });
    expect(run.status).toBe("succeeded");
    const output = run.output as { truncated: boolean; bytes: number; preview: string };
    expect(output.truncated).toBe(true);
    expect(output.bytes).toBeGreaterThan(HISTORY_VALUE_MAX_BYTES);
    expect(output.preview.startsWith('{"success":true,"status":200')).toBe(true);
    expect(Buffer.byteLength(output.preview)).toBeLessThanOrEqual(HISTORY_PREVIEW_BYTES);
    const [stored] = await listToolRuns(user.workspaceId, "api-call");
    expect(stored!.output).toEqual(output);
    expect(JSON.stringify(stored).length).toBeLessThan(HISTORY_VALUE_MAX_BYTES);
  });
});
