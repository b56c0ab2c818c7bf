import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readCapped } from "@/lib/http/limited-body";

function webStream(chunks: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (index < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[index++]));
      else controller.close();
    },
    cancel: () => {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

/** Sends `chunks` to a local server and reads the request there with readCapped. */
async function overNode(chunks: string[], options: Parameters<typeof readCapped>[1], declared?: number) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const read = new Promise<Awaited<ReturnType<typeof readCapped>>>((resolve, reject) => {
      server.once("request", (message: IncomingMessage, response) => {
        readCapped(message, { ...options, declared: message.headers["content-length"] }).then((answer) => {
          response.end("done");
          resolve(answer);
        }, reject);
      });
    });
    const { port } = server.address() as AddressInfo;
    const sent = httpRequest({ port, method: "POST", headers: declared === undefined ? {} : { "content-length": String(declared) } });
    sent.on("error", () => undefined);
    sent.on("response", (response) => response.resume());
    for (const chunk of chunks) sent.write(chunk);
    sent.end();
    return await read;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("readCapped", () => {
  it("reads a web stream whole under the cap", async () => {
    const { stream } = webStream(["ab", "cd"]);
    const read = await readCapped(stream, { maxBytes: 4 });
    expect(read.ok && read.body.toString()).toBe("abcd");
  });

  it("cuts a web stream at the cap, keeps the first keepBytes and cancels the rest", async () => {
    const { stream, cancelled } = webStream(["abc", "def", "ghi"]);
    const read = await readCapped(stream, { maxBytes: 5, keepBytes: 4 });
    expect(read).toMatchObject({ ok: false, reason: "too_large", bytesRead: 6 });
    expect(!read.ok && read.reason === "too_large" && read.head.toString()).toBe("abcd");
    expect(cancelled()).toBe(true);
  });

  it("refuses a declared length over the cap before reading", async () => {
    const { stream, cancelled } = webStream(["abc"]);
    const read = await readCapped(stream, { maxBytes: 2, declared: "3" });
    expect(read).toMatchObject({ ok: false, reason: "too_large", bytesRead: 0, declaredBytes: 3 });
    expect(cancelled()).toBe(true);
  });

  it("holds the bytes in the reservation as they arrive, and says busy without room", async () => {
    const held: number[] = [];
    const { stream, cancelled } = webStream(["abc", "def", "ghi"]);
    const read = await readCapped(stream, { maxBytes: 100, reservation: { holdUpTo: (total) => (held.push(total), total <= 3) } });
    expect(read).toEqual({ ok: false, reason: "busy" });
    expect(held).toEqual([3, 6]);
    expect(cancelled()).toBe(true);
  });

  it("reads nothing from no body", async () => {
    const read = await readCapped(null, { maxBytes: 1 });
    expect(read.ok && read.body.length).toBe(0);
  });

  it("reads any async iterable of bytes", async () => {
    const read = await readCapped(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), { maxBytes: 3, keepBytes: 10 });
    expect(!read.ok && read.reason === "too_large" && read.head.toString()).toBe("abcd");
  });

  it("reads Node's request whole, and cut at the cap", async () => {
    const whole = await overNode(["hello ", "world"], { maxBytes: 64 });
    expect(whole.ok && whole.body.toString()).toBe("hello world");
    const cut = await overNode(["x".repeat(10), "y".repeat(10)], { maxBytes: 15, keepBytes: 12 });
    expect(cut).toMatchObject({ ok: false, reason: "too_large" });
    expect(!cut.ok && cut.reason === "too_large" && cut.head.toString()).toBe("x".repeat(10) + "yy");
    const declared = await overNode(["x".repeat(20)], { maxBytes: 15 }, 20);
    expect(declared).toMatchObject({ ok: false, reason: "too_large", declaredBytes: 20 });
  });
});
