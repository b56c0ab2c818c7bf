/**
 * Descriptions built to cost far more than their size (issue 11): each is small enough to upload
 * and, read naively, takes the heap, the stack or the event loop.
 */

const header = (title: string) => `openapi: 3.1.0\ninfo:\n  title: ${title}\n  version: "1"\n`;

/** About 4 MB of YAML: a 3.8 MB mapping anchored once and aliased 400 times (well under yaml's maxAliasCount of 1000 per alias). */
export function aliasBomb(): string {
  const entries = Array.from({ length: 40_000 }, (_, index) => `    field${index}: "${"x".repeat(80)}"`).join("\n");
  const aliases = Array.from({ length: 400 }, () => "  - *big").join("\n");
  return `${header("Alias bomb")}paths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        "200":\n          description: ok\nx-big:\n  payload: &big\n${entries}\nx-copies:\n${aliases}\n`;
}

/**
 * One long string anchored once and aliased `uses` times (issue 23): about `megabytes` of text that
 * unfolds into `megabytes` x `uses`, while adding only `uses` nodes. The anchor is at line 8, column 8.
 */
export function stringAliasBomb(megabytes = 4, uses = 1_000): string {
  const aliases = Array.from({ length: uses }, () => "  - *big").join("\n");
  return `${header("String alias bomb")}paths:\n  /ping:\n    get:\n      responses: {"200": {description: ok}}\nx-big: &big ${"x".repeat(megabytes * 1024 * 1024)}\nx-copies:\n${aliases}\n`;
}

/**
 * The same through nested anchors: the string is aliased 10 times in &ten, &ten 10 times in
 * &hundred, and &hundred 10 times at the end, so 30 aliases unfold the string 1,000 times.
 */
export function nestedStringAliasBomb(megabytes = 4): string {
  const ten = (alias: string) => `[${Array.from({ length: 10 }, () => alias).join(", ")}]`;
  return `${header("Nested alias bomb")}paths:\n  /ping:\n    get:\n      responses: {"200": {description: ok}}\nx-big: &big ${"x".repeat(megabytes * 1024 * 1024)}\nx-ten: &ten ${ten("*big")}\nx-hundred: &hundred ${ten("*ten")}\nx-thousand: ${ten("*hundred")}\n`;
}

/** A JSON description with an extension nested 100,000 arrays deep. */
export function deepJson(depth = 100_000): string {
  return `{"openapi":"3.1.0","info":{"title":"Deep","version":"1"},"paths":{"/ping":{"get":{"responses":{"200":{"description":"ok"}}}}},"x-deep":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

/** The same in YAML flow style. */
export function deepYaml(depth = 100_000): string {
  return `${header("Deep")}paths: {}\nx-deep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
}

/**
 * Schemas S0..S{levels-1}, each with `width` properties that all refer to the next one: a few KB of
 * text whose request bodies unfold into width^levels nodes, used by `operations` operations.
 */
export function schemaRefExplosion(operations = 300, levels = 10, width = 10): string {
  const schemas: Record<string, unknown> = {};
  for (let level = 0; level < levels; level++) {
    const next =
      level + 1 < levels
        ? { $ref: `#/components/schemas/S${level + 1}` }
        : { type: "string", description: "A leaf value, described at some length so each copy weighs what a real one does." };
    schemas[`S${level}`] = {
      type: "object",
      description: `Level ${level} of a schema that refers to the next level from every one of its properties.`,
      properties: Object.fromEntries(Array.from({ length: width }, (_, index) => [`p${index}`, next])),
    };
  }
  const paths: Record<string, unknown> = {};
  for (let index = 0; index < operations; index++) {
    paths[`/things/${index}`] = {
      post: {
        operationId: `createThing${index}`,
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/S0" } } } },
        responses: { "200": { description: "ok" } },
      },
    };
  }
  return JSON.stringify({ openapi: "3.1.0", info: { title: "Ref explosion", version: "1" }, paths, components: { schemas } });
}
