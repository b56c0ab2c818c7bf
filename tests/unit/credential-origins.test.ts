import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "../support/helpers";

/**
 * Issue 11, item 1: a credential carries the origins it is bound to, and the one outbound client
 * attaches it there and nowhere else, on every path (imported tools, api-call, provider tools) and
 * across redirects.
 */

const { httpRequest } = await import("@/lib/http/client");
const { boundCredential, CredentialOriginError } = await import("@/lib/http/credential");
const { saveImport } = await import("@/lib/openapi/store");
const { OpenApiImportError } = await import("@/lib/openapi/document");
const { runTool } = await import("@/lib/runs/tool-runs");

const INSTANCE_KEY = "instance-openweather-key-0123456789";
const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/openapi", name), "utf8");

type Seen = { url: string; headers: IncomingHttpHeaders };
type Fake = { server: Server; url: string; seen: Seen[] };

/** A server that records what it receives; `/away?to=<url>` redirects there (307, so the method is kept). */
async function startServer(): Promise<Fake> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url!, headers: request.headers });
    const target = new URL(request.url!, "http://local").searchParams.get("to");
    if (target) return response.writeHead(307, { location: target }).end();
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let provider: Fake;
let attacker: Fake;
const everything = (fake: Fake) => JSON.stringify(fake.seen);

beforeAll(async () => {
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  [provider, attacker] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([provider, attacker].map((fake) => new Promise((resolve) => fake.server.close(resolve)))));
beforeEach(() => {
  provider.seen.length = 0;
  attacker.seen.length = 0;
  process.env.OPENWEATHER_API_KEY = INSTANCE_KEY;
  process.env.OPENWEATHER_API_URL = provider.url;
});
afterEach(() => {
  delete process.env.OPENWEATHER_API_KEY;
  delete process.env.OPENWEATHER_API_URL;
});

describe("the outbound client with a bound credential", () => {
  const key = () => boundCredential("the test key", [provider.url], [{ in: "header", name: "x-api-key", value: "bound-secret" }]);

  it("attaches it on its own origin", async () => {
    await httpRequest({ url: `${provider.url}/ok`, credential: key(), guard: true, retry: false });
    expect(provider.seen[0]!.headers["x-api-key"]).toBe("bound-secret");
  });

  it("refuses a request to another origin before sending anything", async () => {
    await expect(httpRequest({ url: `${attacker.url}/steal`, credential: key(), guard: true, retry: false })).rejects.toBeInstanceOf(CredentialOriginError);
    await expect(httpRequest({ url: `${attacker.url}/steal`, credential: key(), retry: false })).rejects.toBeInstanceOf(CredentialOriginError);
    expect(attacker.seen).toEqual([]);
  });

  it.each([true, false])("leaves it (and Authorization and Cookie) off a redirect to another origin (guarded: %s)", async (guard) => {
    const response = await httpRequest({
      url: `${provider.url}/away?to=${encodeURIComponent(`${attacker.url}/landing`)}`,
      headers: { Authorization: "Bearer caller-token", cookie: "session=caller" },
      credential: key(),
      guard,
      retry: false,
    });
    expect(response.status).toBe(200);
    expect(provider.seen[0]!.headers["x-api-key"]).toBe("bound-secret");
    expect(attacker.seen).toHaveLength(1);
    expect(attacker.seen[0]!.headers).not.toHaveProperty("x-api-key");
    expect(attacker.seen[0]!.headers).not.toHaveProperty("authorization");
    expect(attacker.seen[0]!.headers).not.toHaveProperty("cookie");
  });

  it("keeps it on a redirect within its origin", async () => {
    await httpRequest({ url: `${provider.url}/away?to=${encodeURIComponent("/next")}`, credential: key(), guard: true, retry: false });
    expect(provider.seen.map((seen) => [seen.url, seen.headers["x-api-key"]])).toEqual([
      [`/away?to=${encodeURIComponent("/next")}`, "bound-secret"],
      ["/next", "bound-secret"],
    ]);
  });
});

describe("imported OpenAPI tools", () => {
  it("refuses to import with a connection whose credential would go to a server of the member's choosing", async () => {
    const member = await createUser("member");
    const importing = saveImport(member.workspaceId, {
      source: { kind: "text", text: fixture("security.yaml") },
      serverUrl: attacker.url,
      auth: { kind: "connection", scheme: "queryKey", providerId: "openweather" },
    });
    await expect(importing).rejects.toBeInstanceOf(OpenApiImportError);
    await expect(importing).rejects.toMatchObject({ problems: [{ location: "serverUrl", message: expect.stringContaining(`only sent to ${provider.url}`) }] });
    expect(attacker.seen).toEqual([]);
  });

  it("never sends the instance-wide key to another origin, even for an API saved while it pointed there", async () => {
    const owner = await createUser("owner", "owner"); // only owners act with instance keys unless one is shared
    // Saved while the attacker's server was the provider's configured origin; the provider then moved.
    process.env.OPENWEATHER_API_URL = attacker.url;
    await saveImport(owner.workspaceId, {
      source: { kind: "text", text: fixture("security.yaml") },
      serverUrl: attacker.url,
      auth: { kind: "connection", scheme: "queryKey", providerId: "openweather" },
    });
    process.env.OPENWEATHER_API_URL = provider.url;
    const run = await runTool(owner, "locked-api.viaQueryKey", {});
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^Refused: OpenWeather's instance-wide API key may only be sent to/);
    expect(attacker.seen).toEqual([]);
  });

  it("does not carry a pasted key across a redirect to another origin", async () => {
    const member = await createUser("member");
    const redirecting = fixture("security.yaml").replace("/header-key:", `/away?to=${encodeURIComponent(`${attacker.url}/landing`)}:`);
    await saveImport(member.workspaceId, {
      source: { kind: "text", text: redirecting },
      serverUrl: provider.url,
      auth: { kind: "secret", scheme: "headerKey", secret: "pasted-secret-4242" },
    });
    const run = await runTool(member, "locked-api.viaHeaderKey", {});
    expect(run.status).toBe("succeeded");
    expect(provider.seen[0]!.headers["x-api-key"]).toBe("pasted-secret-4242");
    expect(attacker.seen).toHaveLength(1);
    expect(everything(attacker)).not.toContain("pasted-secret-4242");
  });
});

describe("api-call", () => {
  it("sends no stored credential, not even to the provider's own origin", async () => {
    const member = await createUser("member");
    const run = await runTool(member, "api-call", { endpoint: `${provider.url}/data/2.5/weather?q=London` });
    expect(run.status).toBe("succeeded");
    expect(everything(provider)).not.toContain(INSTANCE_KEY);
  });

  it("does not carry the caller's Authorization header across a redirect to another origin", async () => {
    const member = await createUser("member");
    const run = await runTool(member, "api-call", {
      endpoint: `${provider.url}/away?to=${encodeURIComponent(`${attacker.url}/landing`)}`,
      headers: { authorization: "Bearer my-own-token" },
    });
    expect(run.status).toBe("succeeded");
    expect(provider.seen[0]!.headers.authorization).toBe("Bearer my-own-token");
    expect(everything(attacker)).not.toContain("my-own-token");
  });
});

describe("provider tools", () => {
  it("send the instance-wide key to the provider's API origin only", async () => {
    const owner = await createUser("owner", "owner");
    await runTool(owner, "get-weather", { location: "London" });
    expect(provider.seen[0]!.url).toContain(`appid=${INSTANCE_KEY}`);
    expect(attacker.seen).toEqual([]);
  });
});
