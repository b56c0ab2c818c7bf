import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { aliasBomb, deepJson, deepYaml, nestedStringAliasBomb, schemaRefExplosion, stringAliasBomb } from "../support/openapi-bombs";
import { createUser } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { parseOpenApi } = await import("@/lib/openapi/document");
const { POST: previewRoute } = await import("@/app/api/openapi/preview/route");
const { POST: importRoute } = await import("@/app/api/openapi/imports/route");
const { PARSE_LIMITS } = await import("@/lib/openapi/limits");
const { runParser } = await import("@/lib/openapi/parse");

// Each import parses on its own thread; on a busy machine starting one takes seconds.
vi.setConfig({ testTimeout: 90_000 });

const petstore = readFileSync(join(__dirname, "../fixtures/openapi/petstore-3.0.yaml"), "utf8");

function post(route: typeof previewRoute, body: unknown) {
  return route(
    new Request("http://localhost:3000/api/openapi/preview", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
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

/** Growth of this process's resident memory while `work` runs, in MB. */
async function rssGrowthMb(work: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage.rss();
  await work();
  return (process.memoryUsage.rss() - before) / 1024 / 1024;
}

describe("aliases measured in bytes, and the parse behind an OS memory cap (issue 23, item 2)", () => {
  it("refuses one 4 MB string aliased 1,000 times, at its anchor, without unfolding it", async () => {
    let error: Refusal["error"] | undefined;
    const growth = await rssGrowthMb(async () => {
      error = await refusal(stringAliasBomb(4, 1_000));
    });
    expect(error!.problems).toEqual([
      {
        location: "line 9, column 13",
        message: "The node anchored &big (4.0 MB once unfolded) is aliased 1000 times, which unfolds the description into 3.9 GB; the limit is 80.0 MB.",
      },
    ]);
    // The text itself is 4 MB, copied a few times on its way in; unfolded it is 4,000 MB.
    expect(growth).toBeLessThan(400);
    expect((await post(previewRoute, { source: { kind: "text", text: petstore } })).status).toBe(200);
  });

  it("counts nested anchors transitively: 30 aliases that unfold one 4 MB string 1,000 times", async () => {
    let error: Refusal["error"] | undefined;
    const growth = await rssGrowthMb(async () => {
      error = await refusal(nestedStringAliasBomb(4));
    });
    expect(error!.problems).toEqual([
      // The string 1,000 times, and the anchored lists themselves: 4 MB x (1,000 + 100 + 10 + 1).
      {
        location: "line 11, column 21",
        message: "The node anchored &hundred (400.0 MB once unfolded) is aliased 10 times, which unfolds the description into 4.3 GB; the limit is 80.0 MB.",
      },
    ]);
    expect(growth).toBeLessThan(400);
  });

  it("lets a description share a large node a few times, within the byte bound", async () => {
    const result = await parseOpenApi(stringAliasBomb(4, 15));
    expect(result.ok).toBe(true);
  });

  it("parses in a child process the kernel stops past its memory cap: the import is refused and the server keeps answering", async () => {
    // A stand-in parser that asks for far more memory than the cap (virtual, never touched).
    const result = await runParser(join(__dirname, "../support/parse-child-hog.ts"), "");
    expect(result).toEqual({
      ok: false,
      problems: [{ location: "", message: `Reading the description needs more than ${PARSE_LIMITS.memoryMb} MB of memory, the limit for one import.` }],
    });
    expect((await post(previewRoute, { source: { kind: "text", text: petstore } })).status).toBe(200);
  });
});

describe("descriptions built to exhaust the server (issue 11, item 2)", () => {
  it("refuses a YAML alias bomb with the anchor's line, before unfolding it, and keeps serving", { timeout: 90_000 }, async () => {
    const text = aliasBomb();
    expect(text.length).toBeGreaterThan(3_500_000);
    const error = await refusal(text);
    expect(error.code).toBe("invalid_description");
    expect(error.problems).toEqual([
      {
        location: "line 14, column 5",
        message: expect.stringMatching(
          /^The node anchored &big is aliased 400 times, which unfolds the description into [\d,]+ nodes; the limit is 2,000,000\.$/,
        ),
      },
    ]);
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
    expect(error.problems).toEqual([
      {
        location: `line 6, column ${"x-deep: ".length + PARSE_LIMITS.nestingDepth + 1}`,
        message: "The description nests objects and arrays more than 128 levels deep.",
      },
    ]);
  });

  it("refuses YAML block mappings nested deeper than the limit, at the first line too deep", async () => {
    const lines = Array.from({ length: 200 }, (_, depth) => `${" ".repeat(depth)}k${depth}:`).join("\n");
    const result = await parseOpenApi(`openapi: 3.1.0\ninfo: {title: Deep, version: "1"}\npaths: {}\nx-deep:\n${lines} end\n`);
    expect(result.ok ? [] : result.problems).toEqual([
      { location: expect.stringMatching(/^line \d+, column \d+$/), message: "The description nests objects and arrays more than 128 levels deep." },
    ]);
  });

  it("refuses an alias that contains itself", async () => {
    const result = await parseOpenApi(`openapi: 3.1.0\ninfo: {title: Loop, version: "1"}\npaths: {}\nx-loop: &loop\n  again: *loop\n`);
    expect(result.ok ? [] : result.problems).toEqual([{ location: "line 5, column 10", message: "The alias *loop refers to a node that contains it." }]);
  });

  it("skips each operation whose request body unfolds past the per-operation bound, and refuses a description left with none", async () => {
    const error = await refusal(schemaRefExplosion(40));
    expect(error.problems[0]).toEqual({ location: "paths", message: "The description has no operations to import." });
    expect(error.problems.filter((problem) => problem.message.startsWith("skipped: "))).toHaveLength(40);
    expect(error.problems[1]).toEqual({
      location: "paths./things/0.post",
      message: expect.stringMatching(/^skipped: the operation takes \d+ KB once its schemas are unfolded; the limit is 128 KB$/),
    });
  });

  it("stops an import whose operations together pass the per-import bound, at the operation that passes it", { timeout: 60_000 }, async () => {
    // Lean schemas: each operation fits under its own bound (its form is cut to 2,000 nodes), but 600 of them do not fit in one import.
    const text = schemaRefExplosion(600, 10, 10).replaceAll(/"description":"[^"]*"/g, '"description":"d"');
    const error = await refusal(text);
    expect(error.problems).toEqual([
      {
        location: expect.stringMatching(/^paths\.\/things\/\d+\.post$/),
        message: "The operations up to here take more than 16.0 MB once their schemas are unfolded, the limit for one import.",
      },
    ]);
  });

  it("cuts an operation's form at the schema-node bound with a warning, and imports it", async () => {
    const text = schemaRefExplosion(1, 4, 10).replaceAll(/"description":"[^"]*"/g, '"description":"d"');
    const result = await parseOpenApi(text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec.warnings).toEqual([
      { location: "paths./things/0.post", message: "its input unfolds into more than 2000 schema nodes; the fields past that are entered as JSON" },
    ]);
    expect(JSON.stringify(result.spec.operations[0]!.inputSchema)).toContain("(more fields can be given as JSON)");
  });

  it("parses in another process: the server's event loop runs while a description is read", async () => {
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
