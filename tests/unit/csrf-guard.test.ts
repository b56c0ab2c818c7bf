import { globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createUser, type TestUser } from "../support/helpers";

/**
 * The CSRF guard on cookie-authenticated route handlers. Every route under app/api that handles a
 * state-changing method is found on disk and attacked the way the review did it: an HTML form on
 * another origin (also one on the same site) posting text/plain with the person's cookie. Only
 * the routes that are cross-site by nature (webhook intake, Auth.js's own routes, which carry their
 * own CSRF token) and those that never read the session cookie (the MCP endpoint, authenticated by
 * a bearer token, and the OAuth registration and token endpoints MCP clients call) are exempt; a
 * new route is covered without editing this file.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { db } = await import("@/db/client");
const { listSpecs } = await import("@/lib/openapi/store");

const APP = "http://localhost:3000";
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;
const EXEMPT = [/^app\/api\/webhooks\//, /^app\/api\/auth\//, /^app\/api\/mcp\//, /^app\/api\/oauth\//];

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const routeFiles = globSync("app/api/**/route.ts")
  .map((file) => file.split("\\").join("/"))
  .sort();
const guarded = routeFiles.filter((file) => !EXEMPT.some((pattern) => pattern.test(file)));

/** Placeholder values for the route's dynamic segments ([provider], [...rest]). */
function paramsFor(file: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [, spread, name] of file.matchAll(/\[\[?(\.\.\.)?(\w+)\]?\]/g)) params[name!] = spread ? ["x"] : "x";
  return params;
}

function urlFor(file: string): string {
  return `${APP}/${file
    .replace(/\/route\.ts$/, "")
    .replace(/^app\//, "")
    .replace(/\[\[?(\.\.\.)?\w+\]?\]/g, "x")}`;
}

async function writeHandlers(): Promise<{ file: string; method: string; handler: Handler }[]> {
  const found = [];
  for (const file of guarded) {
    const source = readFileSync(file, "utf8");
    const methods = WRITE_METHODS.filter((method) => new RegExp(`export (const|async function|function) ${method}\\b`).test(source));
    if (methods.length === 0) continue;
    const route = (await import(/* @vite-ignore */ join(process.cwd(), file))) as Record<string, Handler>;
    for (const method of methods) found.push({ file, method, handler: route[method]! });
  }
  return found;
}

/** Rows in every table: a refused request must leave all of them as they were. */
function rowCounts(): Record<string, number> {
  const client = db().$client;
  const tables = client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (client.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n]));
}

const spec = readFileSync(join(__dirname, "../fixtures/openapi/petstore-2.0.json"), "utf8");
// replace: importing the same API again replaces it (the person confirmed the difference).
const importBody = JSON.stringify({ source: { kind: "text", text: spec }, serverUrl: "https://petstore.example", auth: { kind: "none" }, replace: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser("csrf");
  session.current = { user: { id: user.id } };
});

describe("every state-changing route handler refuses cross-site writes", async () => {
  const handlers = await writeHandlers();

  it("finds the write routes (the OpenAPI import and preview at least)", () => {
    expect(handlers.map(({ file, method }) => `${method} ${file}`)).toEqual(
      expect.arrayContaining(["POST app/api/openapi/imports/route.ts", "POST app/api/openapi/preview/route.ts"]),
    );
  });

  const attacks: { name: string; headers: Record<string, string>; status: number }[] = [
    {
      name: "a text/plain form post from another origin",
      headers: { "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      status: 403,
    },
    {
      name: "a text/plain form post from another origin on the same site",
      headers: { "content-type": "text/plain", origin: "http://other.localhost:3000", "sec-fetch-site": "same-site" },
      status: 403,
    },
    {
      name: "JSON from another origin (a page that got past CORS somehow)",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      status: 403,
    },
    { name: "a request with the null origin (sandboxed frame)", headers: { "content-type": "application/json", origin: "null" }, status: 403 },
    { name: "JSON with neither Origin nor Sec-Fetch-Site", headers: { "content-type": "application/json" }, status: 403 },
    {
      name: "a same-origin Origin but Sec-Fetch-Site same-site",
      headers: { "content-type": "application/json", origin: APP, "sec-fetch-site": "same-site" },
      status: 403,
    },
    { name: "a same-origin text/plain post", headers: { "content-type": "text/plain", origin: APP, "sec-fetch-site": "same-origin" }, status: 415 },
    { name: "a same-origin urlencoded post", headers: { "content-type": "application/x-www-form-urlencoded", origin: APP }, status: 415 },
    { name: "a same-origin multipart post", headers: { "content-type": "multipart/form-data; boundary=x", "sec-fetch-site": "same-origin" }, status: 415 },
  ];

  /** Routes that take uploads (withUser's `accepts`): a same-origin multipart post passes the guard, and this body is not a form. */
  const uploads = new Set(["app/api/openapi/imports/route.ts", "app/api/openapi/preview/route.ts"]);

  for (const { file, method, handler } of handlers) {
    it.each(attacks)(`${method} ${file}: $name -> $status, nothing stored`, async ({ headers, status }) => {
      const before = rowCounts();
      const response = await handler(new Request(urlFor(file), { method, headers, body: importBody }), { params: Promise.resolve(paramsFor(file)) });
      const upload = status === 415 && uploads.has(file) && headers["content-type"]!.startsWith("multipart/form-data");
      expect(response.status).toBe(upload ? 400 : status);
      expect((await response.json()).error.code).toBe(upload ? "invalid_request" : status === 403 ? "cross_origin" : "unsupported_media_type");
      expect(rowCounts()).toEqual(before);
    });
  }
});

describe("the app's own requests still pass", () => {
  const importRoute = async () => (await import("@/app/api/openapi/imports/route")).POST as Handler;

  it.each<{ name: string; headers: Record<string, string>; url?: string }>([
    { name: "a browser fetch (Origin and Sec-Fetch-Site)", headers: { origin: APP, "sec-fetch-site": "same-origin" } },
    { name: "Origin alone", headers: { origin: APP } },
    { name: "Sec-Fetch-Site alone", headers: { "sec-fetch-site": "same-origin" } },
    {
      name: "the origin the request was addressed to (127.0.0.1 while APP_URL says localhost)",
      headers: { origin: "http://127.0.0.1:3000" },
      url: "http://127.0.0.1:3000/api/openapi/imports",
    },
  ])("$name", async ({ headers, url }) => {
    const before = (await listSpecs(user.workspaceId)).length;
    const request = new Request(url ?? `${APP}/api/openapi/imports`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: importBody,
    });
    const response = await (await importRoute())(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(201);
    expect((await listSpecs(user.workspaceId)).length).toBe(before === 0 ? 1 : before); // the same API again replaces it
  });

  it("reads (GET) are not affected", async () => {
    const { GET } = await import("@/app/api/me/route");
    const response = await GET(new Request(`${APP}/api/me`, { headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } }), {});
    expect(response.status).toBe(200);
  });
});
