import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { aliasBomb, deepJson, deepYaml, schemaRefExplosion } from "../support/openapi-bombs";
import { createUser } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { parseOpenApi } = await import("@/lib/openapi/document");
const { POST: previewRoute } = await import("@/app/api/openapi/preview/route");
const { POST: importRoute } = await import("@/app/api/openapi/imports/route");
const { PARSE_LIMITS } = await import("@/lib/openapi/limits");

// Each import parses on its own thread; on a busy machine starting one takes seconds.
vi.setConfig({ testTimeout: 90_000 });

const petstore = readFileSync(join(__dirname, "../fixtures/openapi/petstore-3.0.yaml"), "utf8");

function post(route: typeof previewRoute, body: unknown) {
  return route(new Request("http://localhost:3000/api/openapi/preview", { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost:3000" }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
}

type Refusal = { error: { code: string; problems: { location: string; message: string }[] } };

async function refusal(text: string): Promise<Refusal["error"]> {
  const response = await post(previewRoute, { source: { kind: "text", text } });
  expect(response.status).toBe(422);
  return ((await response.json()) as Refusal).error;
}

beforeEach(async () => {
  const user = await createUser();
  session.current = { user: { id: user.id } };
});

describe("descriptions built to exhaust the server (issue 11, item 2)", () => {
  it("refuses a YAML alias bomb with the anchor's line, before unfolding it, and keeps serving", { timeout: 90_000 }, async () => {
    const text = aliasBomb();
    expect(text.length).toBeGreaterThan(3_500_000);
    const error = await refusal(text);
    expect(error.code).toBe("invalid_description");
    expect(error.problems).toEqual([{ location: "line 14, column 5", message: expect.stringMatching(/^The node anchored &big is aliased 400 times, which unfolds the description into [\d,]+ nodes; the limit is 2,000,000\.$/) }]);
    const after = await post(previewRoute, { source: { kind: "text", text: petstore } });
    expect(after.status).toBe(200);
  });

  it("refuses JSON nested 100,000 deep with 422 and the line and column, not a RangeError", async () => {
    const error = await refusal(deepJson());
    // The top-level object is the first level, so the 128th bracket is one too many.
    const column = deepJson().indexOf("[") + PARSE_LIMITS.nestingDepth;
    expect(error.problems).toEqual([{ location: `line 1, column ${column}`, message: "The description nests objects and arrays more than 128 levels deep." }]);
  });

  it("refuses YAML flow collections nested 100,000 deep the same way", async () => {
    const error = await refusal(deepYaml());
    expect(error.problems).toEqual([{ location: `line 6, column ${"x-deep: ".length + PARSE_LIMITS.nestingDepth + 1}`, message: "The description nests objects and arrays more than 128 levels deep." }]);
  });

  it("refuses YAML block mappings nested deeper than the limit, at the first line too deep", async () => {
    const lines = Array.from({ length: 200 }, (_, depth) => `${" ".repeat(depth)}k${depth}:`).join("\n");
    const result = await parseOpenApi(`openapi: 3.1.0\ninfo: {title: Deep, version: "1"}\npaths: {}\nx-deep:\n${lines} end\n`);
    expect(result.ok ? [] : result.problems).toEqual([{ location: expect.stringMatching(/^line \d+, column \d+$/), message: "The description nests objects and arrays more than 128 levels deep." }]);
  });

  it("refuses an alias that contains itself", async () => {
    const result = await parseOpenApi(`openapi: 3.1.0\ninfo: {title: Loop, version: "1"}\npaths: {}\nx-loop: &loop\n  again: *loop\n`);
    expect(result.ok ? [] : result.problems).toEqual([{ location: "line 5, column 10", message: "The alias *loop refers to a node that contains it." }]);
  });

  it("skips each operation whose request body unfolds past the per-operation bound, and refuses a description left with none", async () => {
    const error = await refusal(schemaRefExplosion(40));
    expect(error.problems[0]).toEqual({ location: "paths", message: "The description has no operations to import." });
    expect(error.problems.filter((problem) => problem.message.startsWith("skipped: "))).toHaveLength(40);
    expect(error.problems[1]).toEqual({ location: "paths./things/0.post", message: expect.stringMatching(/^skipped: the operation takes \d+ KB once its schemas are unfolded; the limit is 128 KB$/) });
  });

  it("stops an import whose operations together pass the per-import bound, at the operation that passes it", { timeout: 60_000 }, async () => {
    // Lean schemas: each operation fits under its own bound (its form is cut to 2,000 nodes), but 600 of them do not fit in one import.
    const text = schemaRefExplosion(600, 10, 10).replaceAll(/"description":"[^"]*"/g, '"description":"d"');
    const error = await refusal(text);
    expect(error.problems).toEqual([{ location: expect.stringMatching(/^paths\.\/things\/\d+\.post$/), message: "The operations up to here take more than 16.0 MB once their schemas are unfolded, the limit for one import." }]);
  });

  it("cuts an operation's form at the schema-node bound with a warning, and imports it", async () => {
    const text = schemaRefExplosion(1, 4, 10).replaceAll(/"description":"[^"]*"/g, '"description":"d"');
    const result = await parseOpenApi(text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec.warnings).toEqual([{ location: "paths./things/0.post", message: "its input unfolds into more than 2000 schema nodes; the fields past that are entered as JSON" }]);
    expect(JSON.stringify(result.spec.operations[0]!.inputSchema)).toContain("(more fields can be given as JSON)");
  });

  it("parses on another thread: the server's event loop runs while a description is read", async () => {
    const order: string[] = [];
    const parsing = post(previewRoute, { source: { kind: "text", text: schemaRefExplosion(20) } }).then(() => order.push("parsed"));
    await new Promise((resolve) => setTimeout(resolve, 1)).then(() => order.push("timer"));
    await parsing;
    expect(order).toEqual(["timer", "parsed"]);
  });

  it("saving goes through the same bounds", async () => {
    const response = await post(importRoute, { source: { kind: "text", text: deepJson() }, serverUrl: "https://api.example.com" });
    expect(response.status).toBe(422);
  });
});
