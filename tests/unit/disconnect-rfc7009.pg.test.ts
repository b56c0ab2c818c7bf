import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { disconnect } from "@/lib/connections/disconnect";
import { listConnections, upsertOAuthConnection } from "@/lib/connections/store";
import { getProvider } from "@/lib/providers";
import { createUser } from "../support/helpers";

/**
 * Slack's auth.revoke, as RFC 7009 callers meet it: a form POST with the token and the client
 * credentials, answered with HTTP 200 in every case and {"ok": false, ...} when it did nothing.
 */
type Revocation = { token: string | null; clientId: string | null; clientSecret: string | null };
let server: Server;
const revocations: Revocation[] = [];
let answer: { status: number; body: string; contentType: string };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => resolve(body));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    if (request.method === "POST" && request.url === "/api/auth.revoke") {
      const form = new URLSearchParams(await readBody(request));
      revocations.push({ token: form.get("token"), clientId: form.get("client_id"), clientSecret: form.get("client_secret") });
      response.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  Object.assign(process.env, { SLACK_BASE_URL: origin, SLACK_API_URL: `${origin}/api`, SLACK_CLIENT_ID: "slack-client", SLACK_CLIENT_SECRET: "slack-secret" });
});

afterAll(async () => {
  for (const name of ["SLACK_BASE_URL", "SLACK_API_URL", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"]) delete process.env[name];
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  answer = { status: 200, body: JSON.stringify({ ok: true, revoked: true }), contentType: "application/json; charset=utf-8" };
});

async function slackConnection(token: string) {
  const user = await createUser();
  const connection = await upsertOAuthConnection(
    user.id,
    "slack",
    { id: "U123", label: "Acme workspace", avatar: null },
    { accessToken: token, scopes: "chat:write" },
  );
  return { user, connection };
}

describe("revocation the RFC 7009 way, with the provider's ok field (Slack)", () => {
  it("declares okField for Slack", () => {
    expect(getProvider("slack")!.oauth2!.revoke).toMatchObject({ style: "rfc7009", okField: "ok" });
  });

  it("revokes with the token and the client credentials, and reports it when the answer says ok", async () => {
    const { user, connection } = await slackConnection("xoxp-live-token-1");
    expect(await disconnect(user.id, connection.id)).toEqual({ revoked: true, message: "Disconnected and revoked." });
    expect(revocations.at(-1)).toEqual({ token: "xoxp-live-token-1", clientId: "slack-client", clientSecret: "slack-secret" });
    expect(await listConnections(user.id)).toEqual([]);
  });

  it.each([
    ["HTTP 200 with ok:false and an error", JSON.stringify({ ok: false, error: "invalid_auth" }), "invalid_auth"],
    ["HTTP 200 with ok:false and no error", JSON.stringify({ ok: false }), "ok is not true"],
    ["HTTP 200 with a body that is not JSON", "<html>maintenance</html>", "HTTP 200, not a JSON answer"],
  ])("does not call %s a revocation", async (_label, body, reason) => {
    answer = { status: 200, body, contentType: body.startsWith("{") ? "application/json" : "text/html" };
    const { user, connection } = await slackConnection("xoxp-live-token-2");
    const result = await disconnect(user.id, connection.id);
    expect(result.revoked).toBe(false);
    expect(result.message).toBe(`Disconnected; the provider did not confirm the revocation (${reason}). Revoke Patchbay in your Slack settings.`);
    expect(result.message).not.toContain("xoxp-");
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("does not call an HTTP 503 a revocation", async () => {
    answer = { status: 503, body: "unavailable", contentType: "text/plain" };
    const { user, connection } = await slackConnection("xoxp-live-token-3");
    const result = await disconnect(user.id, connection.id);
    expect(result).toMatchObject({ revoked: false, message: expect.stringContaining("did not confirm the revocation (HTTP 503)") });
  });
});
