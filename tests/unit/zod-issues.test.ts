import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssues, fieldErrors, formatIssues } from "@/lib/platform/issues";

const schema = z.object({
  name: z.string().min(1, { message: "Name it." }),
  email: z.email({ message: "Not an email." }).min(50, { message: "Too short." }),
  repository: z.object({ owner: z.string() }),
});

function refusal(value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected a refusal");
  return parsed.error;
}

describe("the zod issue formatter", () => {
  it("lists each issue with its dotted path, in zod's order", () => {
    expect(formatIssues(refusal({ name: "", email: "x", repository: {} }))).toEqual([
      { path: "name", message: "Name it." },
      { path: "email", message: "Not an email." },
      { path: "email", message: "Too short." },
      { path: "repository.owner", message: expect.any(String) },
    ]);
  });

  it("gives the value itself an empty path", () => {
    const parsed = z.string().safeParse(1);
    expect(formatIssues(parsed.error!)).toEqual([{ path: "", message: expect.any(String) }]);
    expect(formatIssues(parsed.error!.issues)).toEqual(formatIssues(parsed.error!));
  });

  it("says them in one sentence, naming the value itself as the caller calls it", () => {
    expect(
      describeIssues(
        [
          { path: "", message: "Expected an object" },
          { path: "a.b", message: "Required" },
        ],
        "payload",
      ),
    ).toBe("payload: Expected an object; a.b: Required");
    expect(describeIssues(z.object({ message: z.string() }).safeParse({}).error!, "body")).toMatch(/^message: /);
  });

  it("gives a form the first message of each top-level field", () => {
    expect(fieldErrors(refusal({ name: "", email: "x", repository: {} }))).toEqual({
      name: "Name it.",
      email: "Not an email.",
      repository: expect.any(String),
    });
  });
});
