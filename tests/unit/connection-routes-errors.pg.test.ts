import { describe, expect, it, vi } from "vitest";
import { ConnectionError } from "@/lib/connections/errors";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
// Any ConnectionError raised under the flow, whatever its cause, must reach the person as a banner.
vi.mock("@/lib/connections/oauth/flow", async (original) => ({
  ...(await original<typeof import("@/lib/connections/oauth/flow")>()),
  completeAuthorization: async () => {
    throw new ConnectionError("not_configured", "GitHub is not configured: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.");
  },
}));

const callback = await import("@/app/api/connections/[provider]/callback/route");
const { createUser } = await import("../support/helpers");

describe("the callback route and a ConnectionError", () => {
  it("redirects to /connections with the error banner instead of failing with a 500", async () => {
    session.current = { user: { id: (await createUser()).id } };
    const response = await callback.GET(new Request("http://localhost:3000/api/connections/github/callback?code=c&state=s"), {
      params: Promise.resolve({ provider: "github" }),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:3000/connections?error=not_configured&provider=github");
  });
});
