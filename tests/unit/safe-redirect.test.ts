import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/safe-redirect";

describe("return paths", () => {
  it.each(["/", "/connections", "/webhooks?status=failed#top", "/tools/github-create-issue"])("keeps %s", (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "connections",
    "/\u0000x",
    "/%0d%0aLocation: x".replace("%0d%0a", "\r\n"),
    "",
    undefined,
    42,
  ])("refuses %j", (value) => {
    expect(safeReturnPath(value)).toBe("/");
  });
});
