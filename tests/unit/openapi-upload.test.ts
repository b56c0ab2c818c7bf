import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createUser } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { POST: previewRoute } = await import("@/app/api/openapi/preview/route");
const { POST: importRoute } = await import("@/app/api/openapi/imports/route");
const { parseOpenApi } = await import("@/lib/openapi/document");
const { filterOperations } = await import("@/lib/openapi/operation-filter");
const { config: proxyConfig } = await import("@/proxy");
const { db } = await import("@/db/client");
const { openapiSpecs } = await import("@/db/schema");

vi.setConfig({ testTimeout: 90_000 });

const githubIssues = readFileSync(join(__dirname, "../fixtures/openapi/github-issues.json"), "utf8");
const MB = 1024 * 1024;

/** GitHub's extract grown past `megabytes` with a long example (a description the size of GitHub's whole one). */
function largeDescription(megabytes: number): string {
  const document = JSON.parse(githubIssues) as { components: { examples: Record<string, unknown> } };
  document.components.examples["padding"] = { value: "x".repeat(megabytes * MB) };
  return JSON.stringify(document);
}

/** What the import page sends for a file or a paste: the description as a file part, the other fields as JSON. */
function multipart(url: string, description: string, fields: Record<string, unknown> = {}): Request {
  const form = new FormData();
  form.append("request", JSON.stringify(fields));
  form.append("description", new Blob([description], { type: "application/json" }), "api.github.com.json");
  return new Request(url, { method: "POST", headers: { origin: "http://localhost:3000" }, body: form });
}

const context = { params: Promise.resolve({}) };

beforeEach(async () => {
  const user = await createUser("upload");
  session.current = { user: { id: user.id } };
});

describe("descriptions past 10 MB (issue 29)", () => {
  it("the import routes are outside the proxy, which would cut their bodies at 10 MB; every other route is inside", () => {
    const matches = (path: string) => unstable_doesMiddlewareMatch({ config: proxyConfig, url: path });
    expect(matches("/api/openapi/preview")).toBe(false);
    expect(matches("/api/openapi/imports")).toBe(false);
    expect(matches("/api/runs")).toBe(true);
    expect(matches("/tools/import")).toBe(true);
    expect(matches("/api/openapi")).toBe(true);
  });

  it("previews and imports an uploaded 12 MB description (multipart), with the security headers the proxy would give", async () => {
    const text = largeDescription(12);
    const preview = await previewRoute(multipart("http://localhost:3000/api/openapi/preview", text), context);
    expect(preview.status).toBe(200);
    expect(preview.headers.get("x-content-type-options")).toBe("nosniff");
    expect(preview.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(await preview.json()).toMatchObject({ slug: "github", operationCount: 2 });

    const saved = await importRoute(
      multipart("http://localhost:3000/api/openapi/imports", text, { serverUrl: "https://api.github.com", name: "github-big" }),
      context,
    );
    expect(saved.status).toBe(201);
    expect(await saved.json()).toMatchObject({ slug: "github-big", operationCount: 2 });
  });

  it("reads a body with its Content-Length (as a browser sends a form) into one buffer, and refuses one longer than it says", async () => {
    const form = new FormData();
    form.append("request", "{}");
    form.append("description", new Blob([githubIssues]), "github-issues.json");
    const encoded = new Response(form);
    const contentType = encoded.headers.get("content-type")!;
    const bytes = Buffer.from(await encoded.arrayBuffer());
    const send = (length: number) =>
      previewRoute(
        new Request("http://localhost:3000/api/openapi/preview", {
          method: "POST",
          headers: { origin: "http://localhost:3000", "content-type": contentType, "content-length": String(length) },
          body: bytes,
        }),
        context,
      );
    expect((await send(bytes.length)).status).toBe(200);
    expect((await send(bytes.length - 10)).status).toBe(400);
    expect((await send(41 * MB)).status).toBe(413);
  });

  it("takes a 12 MB paste as JSON too, and refuses more than 40 MB either way with 413", async () => {
    const json = (body: unknown) =>
      new Request("http://localhost:3000/api/openapi/preview", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
        body: JSON.stringify(body),
      });
    expect((await previewRoute(json({ source: { kind: "text", text: largeDescription(12) } }), context)).status).toBe(200);

    const huge = largeDescription(41);
    const refused = await previewRoute(multipart("http://localhost:3000/api/openapi/preview", huge), context);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ error: { code: "too_large", message: "The description is larger than 40.0 MB." } });
    expect((await previewRoute(json({ source: { kind: "text", text: huge } }), context)).status).toBe(413);
  });

  it("by URL, hands the parser the description's bytes as served and stores them so, never parsing them on the server", async () => {
    // Served as written (indented, as the fixture is): parsed and serialized again on the server, it would be stored compact.
    const origin = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(githubIssues));
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const allowed = process.env.HTTP_TOOL_ALLOWED_HOSTS;
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/api.github.com.json`;
      const saved = await importRoute(
        new Request("http://localhost:3000/api/openapi/imports", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost:3000" },
          body: JSON.stringify({ source: { kind: "url", url }, serverUrl: "https://api.github.com", name: "github-by-url" }),
        }),
        context,
      );
      expect(saved.status).toBe(201);
      const { id, operationCount } = (await saved.json()) as { id: string; operationCount: number };
      expect(operationCount).toBe(2);
      const [stored] = await db()
        .select({ document: openapiSpecs.document, sourceUrl: openapiSpecs.sourceUrl })
        .from(openapiSpecs)
        .where(eq(openapiSpecs.id, id));
      expect(stored).toEqual({ document: githubIssues, sourceUrl: url });
    } finally {
      if (allowed === undefined) delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      else process.env.HTTP_TOOL_ALLOWED_HOSTS = allowed;
      origin.close();
    }
  });

  it("answers 400 for an empty file or none, and 401 without a session", async () => {
    const emptyFile = await previewRoute(multipart("http://localhost:3000/api/openapi/preview", ""), context);
    expect(emptyFile.status).toBe(400);
    expect(await emptyFile.json()).toMatchObject({ error: { message: "Paste a description or choose a file." } });
    const form = new FormData();
    form.append("request", "{}");
    const noFile = await previewRoute(
      new Request("http://localhost:3000/api/openapi/preview", { method: "POST", headers: { origin: "http://localhost:3000" }, body: form }),
      context,
    );
    expect(noFile.status).toBe(400);
    session.current = null;
    const anonymous = await previewRoute(multipart("http://localhost:3000/api/openapi/preview", githubIssues), context);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("references anywhere in the document (issue 29)", () => {
  it("resolves a $ref into an example's value, a path item and another schema's property, instead of skipping the operation", async () => {
    const ok = { 200: { description: "ok" } };
    const document = {
      openapi: "3.0.3",
      info: { title: "Pointers", version: "1" },
      paths: {
        "/examples": {
          post: {
            operationId: "withExample",
            requestBody: {
              content: { "application/json": { schema: { type: "object" }, example: { $ref: "#/components/examples/order/value" } } },
            },
            responses: ok,
          },
        },
        "/nested": {
          post: {
            operationId: "intoProperty",
            requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Order/properties/lines/items" } } } },
            responses: ok,
          },
        },
        "/shared": { get: { operationId: "sharedParameter", parameters: [{ $ref: "#/paths/~1examples~1%7Bid%7D/get/parameters/0" }], responses: ok } },
        "/examples/{id}": { get: { operationId: "byId", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: ok } },
        "/broken": { get: { operationId: "broken", parameters: [{ $ref: "#/components/parameters/Missing" }], responses: ok } },
      },
      components: {
        examples: { order: { value: { lines: [{ sku: "a" }] } } },
        schemas: { Order: { type: "object", properties: { lines: { type: "array", items: { type: "object", properties: { sku: { type: "string" } } } } } } },
      },
    };
    const result = await parseOpenApi(JSON.stringify(document));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec.operations.map((operation) => operation.slug)).toEqual(["withExample", "intoProperty", "sharedParameter", "byId"]);
    expect(result.spec.operations[1]!.inputSchema.properties!.body).toMatchObject({ type: "object", properties: { sku: { type: "string" } } });
    expect(result.spec.operations[2]!.request.parameters).toEqual([{ key: "id", name: "id", in: "path", explode: false }]);
    expect(result.spec.skipped).toEqual([
      { method: "GET", path: "/broken", location: "paths./broken.get", reason: 'the reference "#/components/parameters/Missing" does not resolve' },
    ]);
  });
});

describe("the operation chooser's filter (issue 29)", () => {
  const operations = [
    {
      toolId: "github.issues-list-for-repo",
      operationId: "issues/list-for-repo",
      method: "GET",
      path: "/repos/{owner}/{repo}/issues",
      summary: "List repository issues",
      tags: ["issues"],
    },
    {
      toolId: "github.issues-create",
      operationId: "issues/create",
      method: "POST",
      path: "/repos/{owner}/{repo}/issues",
      summary: "Create an issue",
      tags: ["issues"],
    },
    { toolId: "github.repos-get", operationId: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", summary: "Get a repository", tags: ["repos"] },
  ];
  const ids = (filter: string) => filterOperations(operations, filter).map((operation) => operation.toolId);

  it("matches every word of the filter, in any case, against path, summary and operation id", () => {
    expect(ids("")).toHaveLength(3);
    expect(ids("issues/create")).toEqual(["github.issues-create"]);
    expect(ids("REPOSITORY")).toEqual(["github.issues-list-for-repo", "github.repos-get"]);
    expect(ids("{repo}/issues list")).toEqual(["github.issues-list-for-repo"]);
    expect(ids("nothing-like-this")).toEqual([]);
  });
});
