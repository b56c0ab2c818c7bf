import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/platform/safe-redirect";

describe("return paths", () => {
  it.each([
    ["/", "/"],
    ["/connections", "/connections"],
    ["/webhooks?status=failed#top", "/webhooks?status=failed#top"],
    ["/tools/github-create-issue", "/tools/github-create-issue"],
    // Normalised, and what comes back is still on this origin.
    ["/tools/../connections", "/connections"],
    ["/./webhooks", "/webhooks"],
    ["/a%20b", "/a%20b"],
  ])("keeps %j as %j", (value, expected) => {
    expect(safeReturnPath(value)).toBe(expected);
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    "connections",
    // Dot segments that normalise to a protocol-relative path.
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/.%2e//evil.example",
    "/a/..//evil.example",
    "/./\\evil.example",
    // Encoded slashes and backslashes that leave the origin once decoded.
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%E0%A4%A",
    // Control characters, which the URL parser would silently drop.
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/.\t//evil.example",
    "/\u0000x",
    "/\r\nLocation: x",
    " //evil.example",
    "",
    undefined,
    42,
    "/" + "a".repeat(2048),
  ])("refuses %j", (value) => {
    expect(safeReturnPath(value)).toBe("/");
  });

  it("returns the fallback it is given", () => {
    expect(safeReturnPath("/.//evil.example", "/connections")).toBe("/connections");
  });
});
