import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import { createLocalUser } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { bufferedIntakeBytes } from "@/lib/webhooks/intake-budget";
import { handleIntake, intakeTarget } from "@/lib/webhooks/node-intake";
import { githubHeaders } from "../support/signers";

/**
 * The process-wide budget for webhook bodies being read, verified and stored
 * (WEBHOOK_INTAKE_MAX_BUFFERED_BYTES): past it, 503 with Retry-After before more is read; every
 * reservation comes back, after the commit, after a refusal, and when the sender goes away mid-body.
 */

const SECRET = "intake-budget-secret";
const KB = 1024;
const BUDGET = 64 * KB;
const LARGE = 40 * KB; // one fits in the budget, two do not

/** A JSON body of exactly `size` bytes. */
function padded(size: number, tag = "pad"): string {
  const prefix = `{"ref":"refs/heads/main","${tag}":"`;
  return `${prefix}${"x".repeat(size - prefix.length - 2)}"}`;
}

async function signed(body: string): Promise<Record<string, string>> {
  return githubHeaders(SECRET, body, "push", crypto.randomUUID());
}

function badlySigned(body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    "content-length": String(Buffer.byteLength(body)),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  await createLocalUser({ name: "Owner", email: "owner-budget@example.com", password: "a long enough password" }, "owner", true);
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.WEBHOOK_MAX_BYTES = String(48 * KB);
  process.env.WEBHOOK_INTAKE_MAX_BUFFERED_BYTES = String(BUDGET);
  resetEnvCache();
});

afterAll(() => {
  for (const name of ["GITHUB_WEBHOOK_SECRET", "WEBHOOK_MAX_BYTES", "WEBHOOK_INTAKE_MAX_BUFFERED_BYTES"]) delete process.env[name];
  resetEnvCache();
});

describe("the intake budget on the server's fast path", () => {
  let server: Server;
  let base: URL;
  /** What the server saw of each request, and its handling, which settles after intake released its bytes. */
  const seen: { message: IncomingMessage; handled: Promise<void> }[] = [];

  beforeAll(async () => {
    server = createServer((message, response) => {
      const target = intakeTarget(message.url);
      if (!target) return void response.writeHead(404).end();
      seen.push({ message, handled: handleIntake(message, response, target) });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/github`);
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  type Answer = { status: number; retryAfter: string | undefined; code: string | undefined };

  /** A POST whose body is written in parts: `end` false leaves it open, as a slow or stalled sender would. */
  function open(headers: Record<string, string>, parts: (string | Buffer)[], end = true): { client: ClientRequest; answer: Promise<Answer> } {
    const client = httpRequest(base, { method: "POST", headers });
    const answer = new Promise<Answer>((resolve, reject) => {
      client.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const code = text.startsWith("{") ? (JSON.parse(text) as { error?: { code: string } }).error?.code : undefined;
          resolve({ status: response.statusCode!, retryAfter: response.headers["retry-after"], code });
        });
      });
      client.on("error", reject);
    });
    client.flushHeaders(); // a sender that sends nothing more still sends its headers
    for (const part of parts) client.write(part);
    if (end) client.end();
    return { client, answer };
  }

  async function post(body: string, headers: Record<string, string>): Promise<Answer> {
    return open({ ...headers, "content-length": String(Buffer.byteLength(body)) }, [body]).answer;
  }

  it("does not count a declared length that never arrives: an idle sender holds nothing", async () => {
    const idleBody = padded(LARGE);
    const idle = open({ ...(await signed(idleBody)), "content-length": String(LARGE) }, [], false);
    idle.answer.catch(() => undefined);
    await until(() => seen.length === 1, "intake to see the idle sender");
    const body = padded(LARGE, "beside-idle");
    expect((await post(body, await signed(body))).status).toBe(202);
    const another = padded(LARGE, "beside-idle-2");
    expect((await post(another, await signed(another))).status).toBe(202);
    idle.client.destroy();
    await seen[0]!.handled.catch(() => undefined);
    seen.length = 0;
  });

  it("answers 503 with Retry-After past the budget, lets deliveries within it through, and gets every byte back", async () => {
    // A sender declares 40 KB, sends 39 KB and stalls: intake holds the 39 KB that arrived while it waits.
    const stalledBody = padded(LARGE);
    const stalled = open({ ...(await signed(stalledBody)), "content-length": String(LARGE) }, [stalledBody.slice(0, LARGE - KB)], false);
    stalled.answer.catch(() => undefined);
    await until(() => seen.length === 1 && bufferedIntakeBytes() === LARGE - KB, "intake to hold the stalled body's bytes");

    // Another 40 KB, declared: refused once what arrived of it passes the budget.
    const declared = padded(LARGE);
    expect(await post(declared, badlySigned(declared))).toMatchObject({ status: 503, code: "intake_busy", retryAfter: expect.stringMatching(/^\d+$/) });
    // 30 KB streamed without a Content-Length: refused once the bytes that arrived pass the budget.
    const streamed = padded(30 * KB);
    const chunked = open({ ...(await signed(streamed)), "transfer-encoding": "chunked" }, [streamed.slice(0, 16 * KB), streamed.slice(16 * KB)]);
    expect(await chunked.answer).toMatchObject({ status: 503, code: "intake_busy", retryAfter: expect.stringMatching(/^\d+$/) });
    // A delivery that fits is accepted meanwhile.
    const small = padded(2 * KB);
    expect((await post(small, await signed(small))).status).toBe(202);

    // The stalled sender goes away mid-body: its 40 KB come back.
    stalled.client.destroy();
    await seen[0]!.handled;
    const after = padded(LARGE, "after-abort");
    expect((await post(after, await signed(after))).status).toBe(202);

    // ...as they do after a commit and after a refusal: one 40 KB delivery after another.
    const refused = padded(LARGE, "refused");
    expect((await post(refused, badlySigned(refused))).status).toBe(401);
    for (const tag of ["one", "two"]) {
      const body = padded(LARGE, tag);
      expect((await post(body, await signed(body))).status).toBe(202);
    }
  });
});

describe("the intake budget in the route handler", () => {
  function post(body: BodyInit, headers: Record<string, string>): Promise<Response> {
    const request = new Request("http://localhost:3000/api/webhooks/github", { method: "POST", body, headers, duplex: "half" } as RequestInit);
    return instanceRoute.POST(request, { params: Promise.resolve({ provider: "github" }) });
  }

  it("answers 503 with Retry-After past the budget, and gets the bytes of a body that failed mid-way back", async () => {
    const stalledBody = padded(LARGE);
    let fail: (error: Error) => void = () => undefined;
    let started = false;
    const before = bufferedIntakeBytes();
    const stalledStream = new ReadableStream<Uint8Array>({
      start(controller) {
        fail = (error) => controller.error(error);
      },
      pull(controller) {
        if (started) return new Promise<void>(() => undefined); // stalls after the first kilobyte
        started = true;
        controller.enqueue(Buffer.from(stalledBody.slice(0, LARGE - KB)));
      },
    });
    const stalled = post(stalledStream, { ...(await signed(stalledBody)), "content-length": String(LARGE) });
    stalled.catch(() => undefined);
    await until(() => bufferedIntakeBytes() === before + LARGE - KB, "intake to hold the stalled body's bytes");

    const declared = padded(LARGE);
    const busy = await post(declared, badlySigned(declared));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe("intake_busy");
    const small = padded(2 * KB);
    expect((await post(small, await signed(small))).status).toBe(202);

    fail(new Error("the sender went away"));
    expect((await stalled).status).toBe(500); // the route wrapper answers what intake threw
    const after = padded(LARGE, "after-failure");
    expect((await post(after, await signed(after))).status).toBe(202);
  });
});
