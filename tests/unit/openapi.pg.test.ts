import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createUser } from "../support/helpers";
import { storedText } from "../support/stored-text";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { parseOpenApi } = await import("@/lib/openapi/document");
const { buildRequest } = await import("@/lib/openapi/request");
const { saveImport, listSpecs, listOperations, deleteSpec, findOperation } = await import("@/lib/openapi/store");
const { findUserTool } = await import("@/lib/tools/built-in");
const { toolFormSchema } = await import("@/lib/catalog/catalog");
const { runTool } = await import("@/lib/runs/tool-runs");
const { requestContextFor } = await import("@/lib/tools/context");
const { POST: previewRoute } = await import("@/app/api/openapi/preview/route");
const { POST: importRoute } = await import("@/app/api/openapi/imports/route");

// Each import parses on its own thread; on a busy machine starting one takes seconds.
vi.setConfig({ testTimeout: 90_000 });

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/openapi", name), "utf8");

async function parsed(name: string) {
  const result = await parseOpenApi(fixture(name));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
}

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
let server: Server;
let serverUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(entry);
      if (request.url === "/spec/notes.json") {
        response.writeHead(200, { "content-type": "application/json" }).end(fixture("no-operation-ids.json"));
        return;
      }
      const status = request.url?.includes("missing") ? 404 : 200;
      response
        .writeHead(status, { "content-type": "application/json", etag: '"v1"', "x-internal": "not shown" })
        .end(JSON.stringify({ echoed: { method: entry.method, path: entry.url.split("?")[0] } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

beforeEach(() => {
  seen.length = 0;
});

describe("reading descriptions", () => {
  it("reads the OpenAPI 3.0 Petstore (YAML): one tool per operation, inputs from parameters and the JSON body", async () => {
    const spec = await parsed("petstore-3.0.yaml");
    expect(spec).toMatchObject({ title: "Swagger Petstore", version: "1.0.0", specVersion: "3.0.0", servers: [{ url: "http://petstore.swagger.io/v1" }] });
    expect(spec.operations.map((operation) => [operation.slug, operation.method, operation.path])).toEqual([
      ["listPets", "GET", "/pets"],
      ["createPets", "POST", "/pets"],
      ["showPetById", "GET", "/pets/{petId}"],
    ]);
    const [list, create, show] = spec.operations;
    expect(list!.inputSchema.properties!.limit).toMatchObject({ type: "integer", maximum: 100 });
    expect(list!.inputSchema.required).toBeUndefined();
    expect(create!.inputSchema.required).toEqual(["body"]);
    expect(create!.inputSchema.properties!.body).toMatchObject({
      type: "object",
      required: ["id", "name"],
      properties: { id: { type: "integer" }, name: { type: "string" }, tag: { type: "string" } },
    });
    expect(show!.inputSchema).toMatchObject({ required: ["petId"], properties: { petId: { type: "string" } } });
    expect(show!.tags).toEqual(["pets"]);
  });

  it("reads the Swagger 2.0 Petstore: servers from host, basePath and schemes; body and header parameters; security definitions", async () => {
    const spec = await parsed("petstore-2.0.json");
    expect(spec.specVersion).toBe("2.0");
    expect(spec.servers.map((server) => server.url)).toEqual(["https://petstore.swagger.io/v2", "http://petstore.swagger.io/v2"]);
    expect(spec.securitySchemes).toEqual({ api_key: { type: "apiKey", in: "header", name: "api_key" }, petstore_auth: { type: "oauth2" } });
    const byId = Object.fromEntries(spec.operations.map((operation) => [operation.slug, operation]));
    const addPet = byId.addPet!;
    expect(addPet.request.body).toEqual({ key: "body", contentType: "application/json", required: true });
    // readOnly properties are not asked for in a request body.
    expect(Object.keys((addPet.inputSchema.properties!.body as { properties: object }).properties)).toEqual([
      "category",
      "name",
      "photoUrls",
      "tags",
      "status",
    ]);
    expect(byId.findPetsByStatus!.request.parameters).toEqual([{ key: "status", name: "status", in: "query", explode: true }]);
    expect(byId.findPetsByStatus!.inputSchema.properties!.status).toMatchObject({ type: "array", items: { enum: ["available", "pending", "sold"] } });
    expect(byId.deletePet!.request.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual(["header:api_key", "path:petId"]);
    expect(byId.getPetById!.request.security).toEqual(["api_key"]);
  });

  it("ends $ref cycles: a self-referring schema becomes a finite form that still validates nested values", async () => {
    const spec = await parsed("cycles.yaml");
    const body = spec.operations[0]!.inputSchema.properties!.body!;
    expect(() => JSON.stringify(body)).not.toThrow();
    // The parser copies the schema once where it is used; the first repeat of a schema inside itself ends the form.
    expect(body.properties!.manager!.properties!.manager!.description).toMatch(/refers to itself/);
    expect(body.properties!.team!.properties!.lead!.properties!.team!.description).toMatch(/refers to itself/);
    const schema = z.fromJSONSchema(spec.operations[0]!.inputSchema as never);
    expect(schema.safeParse({ body: { name: "Ada", manager: { name: "Grace", manager: { name: "Mary" } }, reports: [{ name: "Alan" }] } }).success).toBe(true);
    expect(schema.safeParse({ body: { manager: { name: "Grace" } } }).success).toBe(false);
  });

  it("names operations without an operationId after method and path, unique, and says so", async () => {
    const spec = await parsed("no-operation-ids.json");
    expect(spec.operations.map((operation) => operation.slug)).toEqual(["get-notes", "post-notes", "get-notes-id", "delete-notes-id", "get-notes-id-2"]);
    expect(spec.warnings).toHaveLength(5);
    expect(spec.warnings[0]).toEqual({ location: "paths./notes.get", message: "has no operationId; the tool is named after its method and path" });
    // Path-level parameters apply to every operation under the path.
    expect(spec.operations[3]!.inputSchema.required).toEqual(["id"]);
  });

  it("refuses an invalid description with problems located in the document", async () => {
    const result = await parseOpenApi(fixture("invalid.yaml"));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContainEqual({ location: "paths./pets.get.parameters[0].in", message: expect.stringMatching(/allowed values/) });
  });

  it("skips an operation whose path parameter is used but never declared, and imports the others", async () => {
    const text = fixture("invalid.yaml").replace("in: body", "in: query");
    const result = await parseOpenApi(text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec.operations.map((operation) => operation.path)).toEqual(["/pets"]);
    expect(result.spec.skipped).toEqual([
      { method: "GET", path: "/pets/{petId}", location: "paths./pets/{petId}.get", reason: 'the path parameter "petId" is not declared' },
    ]);
  });

  it("refuses what is not a description, with the reason", async () => {
    for (const [text, message] of [
      ["", /empty/],
      ["{ not json", /Not valid JSON/],
      ["openapi: 3.0.0\ninfo: [1", /Not valid YAML/],
      ['{"hello": "world"}', /Not an OpenAPI description/],
    ] as const) {
      const result = await parseOpenApi(text);
      expect(result.ok ? "" : result.problems[0]!.message).toMatch(message);
    }
  });
});

describe("building requests", () => {
  it("places each security scheme's credential where the scheme says, bound to its origins, and none on public operations", async () => {
    const spec = await parsed("security.yaml");
    const byId = Object.fromEntries(spec.operations.map((operation) => [operation.slug, operation.request]));
    const origins = ["https://locked.example"];
    const build = (slug: string, schemeName: string, value: string) =>
      buildRequest("https://locked.example", byId[slug]!, {}, { schemeName, scheme: spec.securitySchemes[schemeName]!, value, origins, owner: "the test key" });
    const placed = (slug: string, schemeName: string, value: string) => build(slug, schemeName, value).credential?.placements;
    expect(placed("viaBearer", "bearer", "tok")).toEqual([{ in: "header", name: "authorization", value: "Bearer tok" }]);
    expect(placed("viaHeaderKey", "headerKey", "k1")).toEqual([{ in: "header", name: "X-API-Key", value: "k1" }]);
    expect(placed("viaQueryKey", "queryKey", "k 2")).toEqual([{ in: "query", name: "api_key", value: "k 2" }]);
    expect(placed("viaBasic", "basic", "ada:pw")).toEqual([
      { in: "header", name: "authorization", value: `Basic ${Buffer.from("ada:pw").toString("base64")}` },
    ]);
    expect(placed("viaOAuth", "oauth", "oauth-token")).toEqual([{ in: "header", name: "authorization", value: "Bearer oauth-token" }]);
    expect(build("viaBearer", "bearer", "tok").credential?.origins).toEqual(origins);
    // The request itself carries no credential: the outbound client attaches it, and only on a bound origin.
    expect(build("viaBearer", "bearer", "tok").headers.authorization).toBeUndefined();
    expect(build("publicOne", "bearer", "tok").credential).toBeUndefined();
    // An operation that asks for another scheme does not get this credential.
    expect(build("viaHeaderKey", "bearer", "tok").credential).toBeUndefined();
  });
});

describe("imported tools", () => {
  it("calls an imported operation on the chosen server: method, encoded path, query, headers, cookie and JSON body", async () => {
    const user = await createUser("echo");
    await saveImport(user.workspaceId, { source: { kind: "text", text: fixture("echo.yaml") }, serverUrl: `${serverUrl}/base`, auth: { kind: "none" } });
    const run = await runTool(user, "echo.putPart", {
      thingId: "a b/c",
      part: 7,
      tags: ["x", "y z"],
      ids: [1, 2],
      verbose: true,
      "X-Trace-Id": "trace-1",
      session: "s1",
      body: { name: "bolt", size: 3 },
    });
    expect(run.status).toBe("succeeded");
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe("PUT");
    expect(request.url).toBe("/base/things/a%20b%2Fc/parts/7?tags=x&tags=y+z&ids=1%2C2&verbose=true");
    expect(request.headers["x-trace-id"]).toBe("trace-1");
    expect(request.headers.cookie).toBe("session=s1");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ name: "bolt", size: 3 });
    expect(run.output).toMatchObject({
      success: true,
      status: 200,
      headers: { "content-type": "application/json", etag: '"v1"' },
      data: { echoed: { method: "PUT" } },
    });
    expect((run.output as { headers: object }).headers).not.toHaveProperty("x-internal");
  });

  it("sends form bodies form-encoded and multipart, and checks input against the schema before sending", async () => {
    const user = await createUser("form");
    await saveImport(user.workspaceId, { source: { kind: "text", text: fixture("echo.yaml") }, serverUrl, auth: { kind: "none" } });
    await runTool(user, "echo.postForm", { body: { a: "x&y", b: 2 } });
    expect(seen[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(seen[0]!.body).toBe("a=x%26y&b=2");
    await expect(runTool(user, "echo.putPart", { thingId: "t", part: "seven", body: { size: 0 } })).rejects.toMatchObject({ name: "RunInputError" });
    expect(seen).toHaveLength(1);
    await runTool(user, "echo.upload", { body: { title: "Report", meta: { size: 3 }, file: "a,b\n1,2" } });
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(String(seen[1]!.headers["content-type"]))![1]!;
    const parts = seen[1]!.body.split(`--${boundary}`).slice(1, -1);
    expect(parts).toEqual([
      '\r\ncontent-disposition: form-data; name="title"\r\n\r\nReport\r\n',
      '\r\ncontent-disposition: form-data; name="meta"\r\ncontent-type: application/json\r\n\r\n{"size":3}\r\n',
      '\r\ncontent-disposition: form-data; name="file"\r\n\r\na,b\n1,2\r\n',
    ]);
    expect(seen[1]!.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it("keeps a pasted credential sealed, sends it where the scheme says, and never shows it", async () => {
    const user = await createUser("sealed");
    const secret = "sk_live_openapi_secret_4242";
    const spec = await saveImport(user.workspaceId, {
      source: { kind: "text", text: fixture("security.yaml") },
      serverUrl,
      auth: { kind: "secret", scheme: "headerKey", secret },
    });
    expect(spec.credentialLast4).toBe("4242");
    expect(JSON.stringify(await listSpecs(user.workspaceId))).not.toContain(secret);
    const run = await runTool(user, "locked-api.viaHeaderKey", {});
    expect(run.status).toBe("succeeded");
    expect(seen[0]!.headers["x-api-key"]).toBe(secret);
    expect(JSON.stringify(run)).not.toContain(secret);
    await runTool(user, "locked-api.publicOne", {});
    expect(seen[1]!.headers["x-api-key"]).toBeUndefined();
    const { closeDatabase } = await import("@/db/client");
    await closeDatabase();
    expect((await storedText()).includes(secret)).toBe(false);
  });

  it("authenticates with one of the user's connections, resolved at call time, on the provider's own API origin", async () => {
    const user = await createUser("via-connection", "owner"); // the instance key is an owner's unless shared
    process.env.OPENWEATHER_API_KEY = "0123456789abcdef0123456789abcdef";
    process.env.OPENWEATHER_API_URL = serverUrl;
    try {
      await saveImport(user.workspaceId, {
        source: { kind: "text", text: fixture("security.yaml") },
        serverUrl,
        auth: { kind: "connection", scheme: "queryKey", providerId: "openweather" },
      });
      expect((await findUserTool(user.workspaceId, "locked-api.viaQueryKey"))!.providerId).toBe("openweather");
      const run = await runTool(user, "locked-api.viaQueryKey", {});
      expect(run.status).toBe("succeeded");
      expect(seen[0]!.url).toBe("/query-key?api_key=0123456789abcdef0123456789abcdef");
      expect(JSON.stringify(run)).not.toContain("0123456789abcdef0123456789abcdef");
    } finally {
      delete process.env.OPENWEATHER_API_KEY;
      delete process.env.OPENWEATHER_API_URL;
    }
  });

  it("answers an API error as a failed run with the status", async () => {
    const user = await createUser("missing");
    await saveImport(user.workspaceId, { source: { kind: "text", text: fixture("petstore-3.0.yaml") }, serverUrl, auth: { kind: "none" } });
    const run = await runTool(user, "swagger-petstore.showPetById", { petId: "missing" });
    expect(run).toMatchObject({ status: "failed", error: "The API answered 404.", output: { success: false, status: 404 } });
  });

  it("re-import replaces the operations, delete removes them, and another user sees none", async () => {
    const owner = await createUser("owner");
    const other = await createUser("other");
    const first = await saveImport(owner.workspaceId, { source: { kind: "text", text: fixture("petstore-3.0.yaml") }, serverUrl, auth: { kind: "none" } });
    expect(await listOperations(owner.workspaceId, first.id)).toHaveLength(3);
    const reduced = fixture("petstore-3.0.yaml").replace(/  \/pets\/\{petId\}:[\s\S]*?(?=components:)/, "");
    const second = await saveImport(owner.workspaceId, { source: { kind: "text", text: reduced }, serverUrl, auth: { kind: "none" }, replace: true });
    expect(second.id).toBe(first.id);
    expect((await listOperations(owner.workspaceId, first.id)).map((operation) => operation.toolId)).toEqual([
      "swagger-petstore.listPets",
      "swagger-petstore.createPets",
    ]);
    expect(await findOperation(other.workspaceId, "swagger-petstore.listPets")).toBeUndefined();
    expect(await findUserTool(other.workspaceId, "swagger-petstore.listPets")).toBeUndefined();
    expect(await deleteSpec(other.workspaceId, first.id)).toBe(false);
    expect(await deleteSpec(owner.workspaceId, first.id)).toBe(true);
    expect(await findUserTool(owner.workspaceId, "swagger-petstore.listPets")).toBeUndefined();
  });

  it("gives the runner a form schema and runs as a step of a Mastra workflow", async () => {
    const user = await createUser("workflow");
    await saveImport(user.workspaceId, { source: { kind: "text", text: fixture("petstore-3.0.yaml") }, serverUrl, auth: { kind: "none" } });
    expect(await toolFormSchema(user.workspaceId, "swagger-petstore.showPetById")).toMatchObject({ type: "object", required: ["petId"] });
    const tool = (await findUserTool(user.workspaceId, "swagger-petstore.showPetById"))!.tool;
    const workflow = createWorkflow({ id: "imported-step", inputSchema: z.object({ petId: z.string() }), outputSchema: z.any() })
      .then(createStep(tool))
      .commit();
    const run = await workflow.createRun();
    const result = await run.start({ inputData: { petId: "42" }, requestContext: requestContextFor(user) });
    expect(result.status).toBe("success");
    expect(seen[0]!.url).toBe("/pets/42");
  });
});

describe("the import routes", () => {
  /** What the import form's fetch sends (the CSRF guard requires both). */
  const sameOriginJson = { "content-type": "application/json", origin: "http://localhost" };

  it("preview answers 401 without a session, 422 with located problems, and the preview grouped by tag", async () => {
    session.current = null;
    const post = (route: typeof previewRoute, body: unknown) =>
      route(new Request("http://localhost/api/openapi/preview", { method: "POST", headers: sameOriginJson, body: JSON.stringify(body) }), {
        params: Promise.resolve({}),
      });
    expect((await post(previewRoute, { source: { kind: "text", text: "x" } })).status).toBe(401);
    const user = await createUser("routes");
    session.current = { user: { id: user.id } };
    const invalid = await post(previewRoute, { source: { kind: "text", text: fixture("invalid.yaml") } });
    expect(invalid.status).toBe(422);
    const { problems } = (await invalid.json()).error as { problems: { location: string }[] };
    expect(problems[0]!.location).toBe("paths");
    expect(problems.slice(1).every((problem) => problem.location.startsWith("paths."))).toBe(true);
    expect((await post(previewRoute, { source: { kind: "bogus" } })).status).toBe(400);
    const preview = await post(previewRoute, { source: { kind: "url", url: `${serverUrl}/spec/notes.json` } });
    expect(preview.status).toBe(200);
    const body = await preview.json();
    expect(body).toMatchObject({ title: "Notes", operationCount: 5, servers: [{ url: `${serverUrl}/v1` }], chooseFirst: false, skipped: [] });
    expect(body.operations).toHaveLength(5);
    expect(body.operations.every((operation: { tags: string[]; enabled: boolean }) => operation.tags.length === 0 && operation.enabled)).toBe(true);
    expect(await listSpecs(user.workspaceId)).toHaveLength(0);
    const saved = await post(importRoute, {
      source: { kind: "text", text: fixture("petstore-2.0.json") },
      serverUrl,
      auth: { kind: "secret", scheme: "nope", secret: "x" },
    });
    expect(saved.status).toBe(422);
    expect(await listSpecs(user.workspaceId)).toHaveLength(0);
    const created = await post(importRoute, {
      source: { kind: "text", text: fixture("petstore-2.0.json") },
      serverUrl,
      auth: { kind: "secret", scheme: "api_key", secret: "key-1234" },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ slug: "swagger-petstore-2-0", operationCount: 5 });
  });

  it("refuses to fetch a description from a private address that is not allowed", async () => {
    const user = await createUser("ssrf");
    session.current = { user: { id: user.id } };
    const response = await previewRoute(
      new Request("http://localhost/api/openapi/preview", {
        method: "POST",
        headers: sameOriginJson,
        body: JSON.stringify({ source: { kind: "url", url: "http://169.254.169.254/latest/meta-data" } }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("blocked_url");
  });
});
