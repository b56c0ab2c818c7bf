import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookDeliveries } from "@/db/schema";
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from "@/lib/auth/client-address";
import { createLocalUser } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { curlCommand } from "@/lib/webhooks/curl";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { handleIntake, intakeTarget } from "@/lib/webhooks/node-intake";
import { getDelivery } from "@/lib/webhooks/queries";
import { githubHeaders, pushPayload } from "../support/signers";

describe("copy as curl", () => {
  it("re-creates the request without secrets, quoting safely", () => {
    const command = curlCommand(
      "https://patchbay.example.com/api/webhooks/github/we_1",
      { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "[redacted]", host: "x", "content-length": "10" },
      `{"message":"it's here"}`,
    );
    expect(command).toBe(
      [
        "# x-hub-signature-256 left out: sign the body again with your secret",
        "curl -X POST 'https://patchbay.example.com/api/webhooks/github/we_1' \\",
        "  -H 'content-type: application/json' \\",
        "  -H 'x-github-event: push' \\",
        `  --data-binary '{"message":"it'\\''s here"}'`,
      ].join("\n"),
    );
  });
});

describe("the internal client-address header at intake", () => {
  const SECRET = "curl-client-address-secret";
  let server: Server;
  let base: string;

  /** Served as server.ts serves it: the client address stamped on every request, then the intake fast path. */
  beforeAll(async () => {
    await createLocalUser({ name: "Owner", email: "owner-curl@example.com", password: "a long enough password" }, "owner", true);
    process.env.GITHUB_WEBHOOK_SECRET = SECRET;
    resetEnvCache();
    server = createServer((request, response) => {
      stampClientAddress(request);
      const target = intakeTarget(request.url);
      if (target) void handleIntake(request, response, target);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
    delete process.env.GITHUB_WEBHOOK_SECRET;
    resetEnvCache();
  });

  it("is neither stored with the delivery nor shown in its curl, whether stamped or sent by the client", async () => {
    const body = pushPayload();
    const headers = { ...(await githubHeaders(SECRET, body, "push", "curl-address-1")), [CLIENT_ADDRESS_HEADER]: "198.51.100.7" };
    const response = await fetch(`${base}/api/webhooks/github`, { method: "POST", body, headers });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };

    const [stored] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(stored!.headers["x-github-event"]).toBe("push");
    expect(Object.keys(stored!.headers)).not.toContain(CLIENT_ADDRESS_HEADER);
    const command = curlCommand(`${base}/api/webhooks/github`, stored!.headers, stored!.body);
    expect(command).not.toContain(CLIENT_ADDRESS_HEADER);
    expect(command).not.toMatch(/127\.0\.0\.1'|198\.51\.100\.7/);
  });

  it("is not shown for a delivery stored with it before intake left it out", async () => {
    // An instance-wide URL's delivery: the default workspace's.
    const id = (await insertAccepted({
      workspaceId: DEFAULT_WORKSPACE_ID,
      endpointId: null,
      providerId: "github",
      dedupeKey: "curl:old-row",
      deliveryId: "old-row",
      event: "push",
      receivedAt: Date.now(),
      headers: { "content-type": "application/json", [CLIENT_ADDRESS_HEADER]: "203.0.113.9" },
      body: "{}",
      bodyBytes: 2,
      verified: true,
      status: "processed",
    }))!;
    const { delivery } = (await getDelivery(DEFAULT_WORKSPACE_ID, id))!;
    expect(delivery.headers).toEqual({ "content-type": "application/json" });
    expect(curlCommand(`${base}/api/webhooks/github`, delivery.headers, delivery.body)).not.toContain("203.0.113.9");
  });
});
