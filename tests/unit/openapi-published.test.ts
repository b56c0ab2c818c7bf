import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createUser, type TestUser } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { parseOpenApi } = await import("@/lib/openapi/document");
const { saveImport, listOperations, listEnabledOperations, setEnabledOperations, findOperation } = await import("@/lib/openapi/store");
const { previewImport } = await import("@/lib/openapi/preview");
const { listImportedTools } = await import("@/lib/tools/openapi/imported-tool");

const published = (name: string) => readFileSync(join(__dirname, "../fixtures/openapi/published", name), "utf8");

async function parsed(text: string) {
  const result = await parseOpenApi(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
  return result.spec;
}

/** Warnings counted by kind (quoted names replaced), so a fixture's expectations stay readable. */
function kinds(warnings: { message: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { message } of warnings) {
    const kind = message.replace(/"[^"]*"/g, '"…"').replace(/\d+ more/, "N more");
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe("descriptions as published (fixtures from npm packages, see tests/fixtures/openapi/published/README.md)", { timeout: 120_000 }, () => {
  it("Blockfrost 0.1.93 (OpenAPI 3.0.3 with type: null): 129 operations, the 3.1-isms and unknown formats as warnings", async () => {
    const spec = await parsed(published("blockfrost-0.1.93.yaml"));
    expect(spec.operations).toHaveLength(129);
    expect(spec.skipped).toEqual([]);
    expect(spec.warnings).toContainEqual({
      location: "components.schemas.script_json.properties.json.anyOf[6].type",
      message: 'type "null" is OpenAPI 3.1, not 3.0; read as 3.1 reads it',
    });
    expect(kinds(spec.warnings)).toEqual({
      'type "…" is OpenAPI 3.1, not 3.0; read as 3.1 reads it': 6,
      'unknown format "…"; read as any string': 81,
      'unknown format "…"; read as any integer': 3,
      "has no operationId; the tool is named after its method and path": 128,
    });
  });

  it("Figma 0.43.0 (OpenAPI 3.1): 54 operations, no warnings", async () => {
    const spec = await parsed(published("figma-0.43.0.yaml"));
    expect(spec.operations).toHaveLength(54);
    expect(spec.warnings).toEqual([]);
  });

  it("Decentraland Catalyst 3.8.0 (OpenAPI 3.0.3): 42 operations, no warnings", async () => {
    const spec = await parsed(published("decentraland-catalyst-3.8.0.yaml"));
    expect(spec.operations).toHaveLength(42);
    expect(spec.warnings).toEqual([]);
  });

  it("Directus 15.2.0 (OpenAPI 3.0.1, JSON): 136 operations, one schema that breaks the letter", async () => {
    const spec = await parsed(published("directus-15.2.0.json"));
    expect(spec.operations).toHaveLength(136);
    expect(spec.warnings).toEqual([
      { location: "paths./items/{collection}.post.requestBody.content.application/json.schema", message: "does not follow OpenAPI 3.0.1: type must be object" },
    ]);
  });

  it("ShipEngine 1.4.0 (OpenAPI 3.0.0): 76 operations, a component name with a space as a warning", async () => {
    const spec = await parsed(published("shipengine-1.4.0.yaml"));
    expect(spec.operations).toHaveLength(76);
    expect(spec.warnings).toEqual([
      {
        location: "components.schemas.estimate_rates_response_body.items.allOf[0].$ref",
        message: expect.stringMatching(/^does not follow OpenAPI 3\.0\.0: \$ref "#\/components\/schemas\/rate estimate" contains whitespace/),
      },
    ]);
  });
});

const base = (paths: string, extra = "") => `openapi: 3.1.0\ninfo:\n  title: Notes\n  version: "1"\n${extra}paths:\n${paths}`;
const ok = `      responses:\n        "200":\n          description: ok\n`;

describe("warnings, not refusals", () => {
  it.each([
    [
      "type arrays in 3.0",
      `openapi: 3.0.3\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        content:\n          application/json:\n            schema: {type: [string, "null"]}\n${ok}`,
      { location: "paths./a.post.requestBody.content.application/json.schema.type", message: "a list of types is OpenAPI 3.1, not 3.0; read as 3.1 reads it" },
    ],
    [
      "nullable in 3.1",
      base(`  /a:\n    get:\n      operationId: a\n      parameters:\n        - {name: q, in: query, schema: {type: string, nullable: true}}\n${ok}`),
      { location: "paths./a.get.parameters[0].schema.nullable", message: 'nullable is OpenAPI 3.0, not 3.1; read as type [..., "null"]' },
    ],
    [
      "an unknown format",
      base(`  /a:\n    get:\n      operationId: a\n      parameters:\n        - {name: q, in: query, schema: {type: string, format: colour}}\n${ok}`),
      { location: "paths./a.get.parameters[0].schema.format", message: 'unknown format "colour"; read as any string' },
    ],
    [
      "examples that is not a list",
      base(`  /a:\n    get:\n      operationId: a\n      parameters:\n        - {name: q, in: query, schema: {type: string, examples: red}}\n${ok}`),
      { location: "paths./a.get.parameters[0].schema.examples", message: "examples in a schema must be a list; ignored" },
    ],
    [
      "a missing info.version",
      `openapi: 3.1.0\ninfo: {title: T}\npaths:\n  /a:\n    get:\n      operationId: a\n${ok}`,
      { location: "info.version", message: "info.version is missing" },
    ],
    [
      "a duplicate operationId",
      base(`  /a:\n    get:\n      operationId: same\n${ok}  /b:\n    get:\n      operationId: same\n${ok}`),
      { location: "paths./b.get.operationId", message: 'operationId "same" is also used at paths./a.get; this tool gets a numbered name' },
    ],
    [
      "a missing operationId",
      base(`  /a:\n    get:\n${ok}`),
      { location: "paths./a.get", message: "has no operationId; the tool is named after its method and path" },
    ],
    [
      "a property the specification forbids",
      base(`  /a:\n    get:\n      operationId: a\n      colour: red\n${ok}`),
      { location: "paths./a.get", message: expect.stringMatching(/^does not follow OpenAPI 3\.1\.0: .*colour/) },
    ],
  ])("%s", async (_name, text, warning) => {
    const spec = await parsed(text);
    expect(spec.operations.length).toBeGreaterThan(0);
    expect(spec.warnings).toContainEqual(warning);
  });
});

describe("refusing one operation, not the document", () => {
  it.each([
    [
      "a $ref that does not resolve",
      `  /b:\n    post:\n      operationId: b\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: "#/components/schemas/Missing"}\n${ok}`,
      'the reference "#/components/schemas/Missing" does not resolve',
    ],
    ["a path parameter that is not declared", `  /b/{id}:\n    get:\n      operationId: b\n${ok}`, 'the path parameter "id" is not declared'],
    [
      "a parameter that cannot be encoded",
      `  /b:\n    get:\n      operationId: b\n      parameters:\n        - {name: file, in: formData, schema: {type: string}}\n${ok}`,
      'parameter "file" is in "formData", which OpenAPI 3 cannot send (path, query, header or cookie)',
    ],
  ])("%s: skipped with its reason, the others import", async (_name, broken, reason) => {
    const spec = await parsed(base(`  /a:\n    get:\n      operationId: a\n${ok}${broken}`));
    expect(spec.operations.map((operation) => operation.slug)).toEqual(["a"]);
    expect(spec.skipped).toEqual([{ method: expect.any(String), path: expect.stringMatching(/^\/b/), location: expect.stringMatching(/^paths\.\/b/), reason }]);
  });

  it("refuses a document whose every operation is skipped, with the reasons located", async () => {
    const result = await parseOpenApi(base(`  /b/{id}:\n    get:\n      operationId: b\n${ok}`));
    expect(result.ok ? [] : result.problems.slice(0, 2)).toEqual([
      { location: "paths", message: "The description has no operations to import." },
      { location: "paths./b/{id}.get", message: 'skipped: the path parameter "id" is not declared' },
    ]);
  });
});

describe("choosing the tools", () => {
  const many = (count: number, version = "1") => {
    const paths = Array.from(
      { length: count },
      (_, index) =>
        `  /items/i${index}:\n    ${index % 2 ? "post" : "get"}:\n      operationId: op${index}\n      tags: [${index % 3 ? "read" : "write"}]\n${ok}`,
    ).join("");
    return `openapi: 3.1.0\ninfo: {title: Many, version: "${version}"}\npaths:\n${paths}`;
  };
  let user: TestUser;
  beforeEach(async () => {
    user = await createUser();
    session.current = { user: { id: user.id } };
  });

  it("up to 50 operations start enabled; more start with none, and only enabled operations are tools", { timeout: 60_000 }, async () => {
    const small = await saveImport(user.workspaceId, {
      source: { kind: "text", text: many(50).replace("title: Many", "title: Few") },
      serverUrl: "https://api.example.com",
    });
    expect((await listOperations(user.workspaceId, small.id)).every((operation) => operation.enabled)).toBe(true);

    const preview = await previewImport(user.workspaceId, { kind: "text", text: many(51) });
    expect(preview.chooseFirst).toBe(true);
    expect(preview.operations.filter((operation) => operation.enabled)).toEqual([]);
    const large = await saveImport(user.workspaceId, { source: { kind: "text", text: many(51) }, serverUrl: "https://api.example.com" });
    expect((await listOperations(user.workspaceId, large.id)).filter((operation) => operation.enabled)).toEqual([]);
    expect(await findOperation(user.workspaceId, "many.op0")).toBeUndefined();

    expect(await setEnabledOperations(user.workspaceId, large.id, ["many.op0", "many.op3", "few.op1", "nonexistent"])).toBe(2);
    expect((await findOperation(user.workspaceId, "many.op0"))?.operation.toolId).toBe("many.op0");
    expect(await findOperation(user.workspaceId, "many.op1")).toBeUndefined();
    expect((await listEnabledOperations(user.workspaceId)).filter((entry) => entry.spec.id === large.id).map((entry) => entry.operation.toolId)).toEqual([
      "many.op0",
      "many.op3",
    ]);
    expect((await listImportedTools(user.workspaceId)).map((entry) => entry.tool.id)).toEqual([
      ...Array.from({ length: 50 }, (_, index) => `few.op${index}`).sort(),
      "many.op0",
      "many.op3",
    ]);
    const other = await createUser("other");
    expect(await listEnabledOperations(other.workspaceId)).toEqual([]);
  });

  it("re-import shows what changed, needs confirming, and keeps the choices of operations that remain", { timeout: 60_000 }, async () => {
    const first = await saveImport(user.workspaceId, {
      source: { kind: "text", text: many(60) },
      serverUrl: "https://api.example.com",
      enabledToolIds: ["many.op0", "many.op1", "many.op59"],
    });
    const changed = many(61, "2")
      .replace(/  \/items\/i59:[\s\S]*?(?=  \/items\/i60:)/, "")
      .replace("  /items/i1:\n    post:", "  /items/i1:\n    put:")
      .replace("operationId: op0\n", "operationId: op0\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n");
    const preview = await previewImport(user.workspaceId, { kind: "text", text: changed });
    expect(preview.replaces).toMatchObject({ title: "Many", operationCount: 60, unchanged: 57 });
    expect(preview.replaces!.added.map((operation) => operation.toolId)).toEqual(["many.op60"]);
    expect(preview.replaces!.removed).toEqual([{ toolId: "many.op59", method: "POST", path: "/items/i59" }]);
    expect(preview.replaces!.changed).toEqual([
      { toolId: "many.op0", method: "GET", path: "/items/i0", changed: ["inputs"] },
      { toolId: "many.op1", method: "PUT", path: "/items/i1", changed: ["method"] },
    ]);
    expect(preview.operations.filter((operation) => operation.enabled).map((operation) => operation.toolId)).toEqual(["many.op0", "many.op1"]);

    await expect(saveImport(user.workspaceId, { source: { kind: "text", text: changed }, serverUrl: "https://api.example.com" })).rejects.toThrow(/confirm/);
    expect(await listOperations(user.workspaceId, first.id)).toHaveLength(60);
    await saveImport(user.workspaceId, { source: { kind: "text", text: changed }, serverUrl: "https://api.example.com", replace: true });
    expect((await listOperations(user.workspaceId, first.id)).filter((operation) => operation.enabled).map((operation) => operation.toolId)).toEqual([
      "many.op0",
      "many.op1",
    ]);
  });

  it("server variables come with their defaults and choices", async () => {
    const preview = await previewImport(user.workspaceId, {
      kind: "text",
      text: base(
        `  /a:\n    get:\n      operationId: a\n${ok}`,
        `servers:\n  - url: https://{region}.api.example.com/{version}\n    variables:\n      region: {default: eu, enum: [eu, us]}\n      version: {default: v2}\n`,
      ),
    });
    expect(preview.servers).toEqual([
      {
        url: "https://eu.api.example.com/v2",
        template: "https://{region}.api.example.com/{version}",
        variables: { region: { default: "eu", enum: ["eu", "us"] }, version: { default: "v2" } },
      },
    ]);
  });
});
