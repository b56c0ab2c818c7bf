import { redirect } from "next/navigation";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { log } from "@/lib/platform/log";
import { ApiError, errorResponse, statusOf, type ErrorCode } from "@/lib/platform/errors";
import { withErrors } from "@/lib/auth/route";

describe("ApiError", () => {
  it("takes its status from its code", () => {
    const expected: [ErrorCode, number][] = [
      ["invalid_json", 400],
      ["invalid_request", 400],
      ["missing_signature", 400],
      ["unauthenticated", 401],
      ["invalid_signature", 401],
      ["cross_origin", 403],
      ["not_found", 404],
      ["unknown_provider", 404],
      ["method_not_allowed", 405],
      ["approval_pending", 409],
      ["confirm_replace", 409],
      ["too_large", 413],
      ["unsupported_media_type", 415],
      ["invalid_description", 422],
      ["invalid_input", 422],
      ["internal_error", 500],
      ["fetch_failed", 502],
      ["agent_not_configured", 503],
      ["intake_busy", 503],
    ];
    for (const [code, status] of expected) {
      expect(new ApiError(code, "m").status, code).toBe(status);
      expect(statusOf(code)).toBe(status);
    }
  });

  it("has the body every JSON route answers, with its details beside code and message", () => {
    expect(new ApiError("not_found", "No such run.").body).toEqual({ error: { code: "not_found", message: "No such run." } });
    const problems = [{ location: "source.url", message: "Refused." }];
    expect(new ApiError("blocked_url", "Refused.", { details: { problems } }).body).toEqual({ error: { code: "blocked_url", message: "Refused.", problems } });
  });
});

describe("errorResponse", () => {
  it("answers an ApiError with its status, body and headers", async () => {
    const response = errorResponse(new ApiError("intake_busy", "Come back later.", { headers: { "retry-after": "2" } }));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toEqual({ error: { code: "intake_busy", message: "Come back later." } });
  });

  it("answers a ZodError with 400 and its issues, formatted once", async () => {
    const parsed = z.object({ name: z.string(), tags: z.array(z.string()) }).safeParse({ tags: [1] });
    const response = errorResponse(parsed.error);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(["name", "tags.0"]);
    expect(body.error.message).toMatch(/^name: .+; tags\.0: .+$/);
  });

  it("answers anything else with a 500 that does not repeat the error, and logs it", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => {});
    try {
      const response = errorResponse(new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain("ECONNREFUSED");
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text).error.code).toBe("internal_error");
      expect(logged).toHaveBeenCalledOnce();
      expect(JSON.stringify(logged.mock.calls[0])).toContain("ECONNREFUSED");
    } finally {
      logged.mockRestore();
    }
  });
});

describe("withErrors", () => {
  it("renders what the handler throws", async () => {
    const handler = withErrors(async (request: Request) => {
      if (request.method === "POST") throw new ApiError("approval_pending", "Approve or deny the waiting action first.");
      return Response.json({ ok: true });
    });
    expect((await handler(new Request("http://localhost/x"))).status).toBe(200);
    const refused = await handler(new Request("http://localhost/x", { method: "POST" }));
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ error: { code: "approval_pending", message: "Approve or deny the waiting action first." } });
  });

  it("lets Next's redirect through", async () => {
    const handler = withErrors(async () => redirect("/sign-in"));
    await expect(handler()).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
  });
});
