import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type ServerResponse } from "node:http";
import { count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { db } from "@/db/client";
import { outboundMessages } from "@/db/schema";
import { enqueueForwards, createDestination } from "@/lib/outbox/forwarding";
import { insertAccepted, type DeliveryRow } from "@/lib/webhooks/deliveries";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createUser } from "../support/helpers";

const LEASE_MS = 1500;
const FORWARDS = 30;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "tests/support/outbox-worker.ts", String(LEASE_MS)], {
    // TMPDIR in this file's data directory: tsx keeps its cache there, and it goes with the directory.
    env: { ...process.env, HTTP_TOOL_ALLOWED_HOSTS: "127.0.0.1", NODE_ENV: "test", TMPDIR: process.env.DATA_DIR },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("outbox worker ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`outbox worker exited with ${code}`)));
  });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("forwarding across a SIGKILL", () => {
  it("loses no forward, completes each exactly once, and resends only those in flight at the kill, with the same webhook-id", async () => {
    const user = await createUser("crash");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });

    // The receiver holds the first requests unanswered, so the kill lands with sends in flight.
    let holding = true;
    const held: ServerResponse[] = [];
    const arrivals = new Map<string, number>();
    const completed = new Map<string, number>();
    let secret = "";
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
        new Webhook(secret).verify(Buffer.concat(chunks).toString("utf8"), headers);
        const id = headers["webhook-id"]!;
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        if (holding) return void held.push(response);
        response.writeHead(200).end(() => completed.set(id, (completed.get(id) ?? 0) + 1));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    secret = (await createDestination(user.workspaceId, { source: `github/${endpoint.id}`, url: `http://127.0.0.1:${port}/in` })).secret;

    for (let index = 0; index < FORWARDS; index++) {
      const now = Date.now();
      const id = (await insertAccepted({
        workspaceId: user.workspaceId,
        endpointId: endpoint.id,
        providerId: "github",
        dedupeKey: `crash:${index}`,
        deliveryId: `crash-${index}`,
        event: "push",
        receivedAt: now,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ index }),
        bodyBytes: 12,
        verified: true,
        status: "processed",
      }))!;
      await enqueueForwards({
        id,
        workspaceId: user.workspaceId,
        endpointId: endpoint.id,
        providerId: "github",
        event: "push",
        action: null,
        verified: true,
      } as DeliveryRow);
    }

    const first = await startWorker();
    await until(() => held.length >= 5, 20_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const inFlightAtKill = new Set(arrivals.keys());
    holding = false;
    for (const response of held) response.destroy();

    await startWorker();
    const delivered = async () => (await db().select({ count: count() }).from(outboundMessages).where(eq(outboundMessages.status, "delivered")))[0]!.count;
    await until(async () => (await delivered()) === FORWARDS, 30_000);
    server.close();

    const messages = await db().select().from(outboundMessages).where(eq(outboundMessages.workspaceId, user.workspaceId));
    expect(messages).toHaveLength(FORWARDS);
    expect(messages.every((message) => message.status === "delivered")).toBe(true);
    // Every forward completed exactly once at the receiver...
    expect(completed.size).toBe(FORWARDS);
    expect([...completed.values()].every((count) => count === 1)).toBe(true);
    // ...and only those in flight at the kill arrived twice, under the same webhook-id.
    for (const [id, count] of arrivals) expect(count).toBe(inFlightAtKill.has(id) ? 2 : 1);
    expect(inFlightAtKill.size).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
