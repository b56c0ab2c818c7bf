import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkValue, exampleOf, matchingVariant, resolveSchema, variantLabel, variantsOf, type JsonSchema } from "@/lib/forms/json-schema";

const toSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

describe("checkValue (the JSON editor's check against the input schema)", () => {
  const schema = toSchema(
    z.object({
      owner: z.string().min(1),
      repository: z.object({ name: z.string().regex(/^[\w.-]+$/) }),
      labels: z.array(z.string().min(1)).optional(),
      limit: z.number().int().min(1).max(50).default(10),
      draft: z.boolean().optional(),
    }),
  );

  it("accepts what the zod schema accepts", () => {
    expect(checkValue(schema, { owner: "octocat", repository: { name: "hello" }, labels: ["bug"], draft: false })).toEqual([]);
  });

  it("names each problem by its path", () => {
    expect(checkValue(schema, { repository: { name: "bad name" }, labels: [""], limit: 2.5, draft: "yes" })).toEqual([
      { path: "owner", message: "Required." },
      { path: "repository.name", message: "Must match ^[\\w.-]+$." },
      { path: "labels.0", message: "At least 1 characters." },
      { path: "limit", message: "Must be an integer." },
      { path: "draft", message: "Must be a boolean." },
    ]);
  });

  it("refuses a whole input that is not an object", () => {
    expect(checkValue(schema, ["owner"])).toEqual([{ path: "input", message: "Must be an object." }]);
  });
});

describe("variants (oneOf / anyOf)", () => {
  const auth = toSchema(
    z.object({
      auth: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("token"), token: z.string() }),
        z.object({ kind: z.literal("basic"), user: z.string(), password: z.string() }),
      ]),
      note: z.string().nullable(),
    }),
  );

  it("labels each alternative by its tag and finds the one a value fits", () => {
    const field = auth.properties!.auth!;
    expect(variantsOf(field).map(variantLabel)).toEqual(["token", "basic"]);
    expect(matchingVariant(field, { kind: "basic", user: "a", password: "b" })).toBe(1);
    expect(checkValue(field, { kind: "basic", user: "a", password: "b" })).toEqual([]);
    expect(checkValue(field, { kind: "other" })).toEqual([{ path: "input", message: "Matches none of the options (token, basic)." }]);
  });

  it("accepts null for a nullable field, and nothing else but its type", () => {
    const note = auth.properties!.note!;
    expect(checkValue(note, null)).toEqual([]);
    expect(checkValue(note, 3, "note")).toEqual([{ path: "note", message: "Must be string or null." }]);
  });

  it("treats an optional alternative (anyOf with null, as OpenAPI writes it) as that alternative", () => {
    const optional: JsonSchema = { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }], description: "Page size" };
    expect(variantsOf(optional)).toHaveLength(1);
    expect(resolveSchema(optional)).toEqual({ type: "integer", minimum: 1, description: "Page size" });
    expect(checkValue(optional, null)).toEqual([]);
    expect(checkValue(optional, 0, "size")).toEqual([{ path: "size", message: "At least 1." }]);
  });
});

describe("exampleOf (where the JSON editor starts)", () => {
  it("builds an example of every field from the schema, which the schema accepts where it can", () => {
    const schema = toSchema(
      z.object({
        owner: z.string().min(1).describe("Repository owner"),
        repo: z.string().min(1),
        labels: z.array(z.string().min(1)).optional(),
        limit: z.number().int().min(1).max(50).default(10),
        state: z.enum(["open", "closed"]),
        homepage: z.url().optional(),
        draft: z.boolean().optional(),
        repository: z.object({ owner: z.string(), name: z.string() }),
      }),
    );
    const example = exampleOf(schema);
    expect(example).toEqual({
      owner: "owner",
      repo: "repo",
      labels: ["labels"],
      limit: 10,
      state: "open",
      homepage: "https://example.com",
      draft: false,
      repository: { owner: "owner", name: "name" },
    });
    expect(checkValue(schema, example)).toEqual([]);
  });
});
