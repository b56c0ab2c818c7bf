import { describe, expect, it } from "vitest";
import { curlCommand } from "@/lib/webhooks/curl";

describe("copy as curl", () => {
  it("re-creates the request without secrets, quoting safely", () => {
    const command = curlCommand(
      "https://patchbay.example.com/api/webhooks/github/we_1",
      { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "[redacted]", host: "x", "content-length": "10" },
      `{"message":"it's here"}`,
    );
    expect(command).toBe(
      [
        "# x-hub-signature-256 left out: sign the body again with your secret",
        "curl -X POST 'https://patchbay.example.com/api/webhooks/github/we_1' \\",
        "  -H 'content-type: application/json' \\",
        "  -H 'x-github-event: push' \\",
        `  --data-binary '{"message":"it'\\''s here"}'`,
      ].join("\n"),
    );
  });
});
