import { beforeEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { GET } = await import("@/app/api/me/route");
const { createLocalUser } = await import("@/lib/auth/users");

describe("the session guard on an API route", () => {
  beforeEach(() => {
    session.current = null;
  });

  it("answers 401 JSON without a session", async () => {
    const response = await GET(new Request("http://localhost/api/me"), {});
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in first." } });
  });

  it("answers 401 when the session names a user who no longer exists", async () => {
    session.current = { user: { id: "deleted-user" } };
    const response = await GET(new Request("http://localhost/api/me"), {});
    expect(response.status).toBe(401);
  });

  it("runs the handler for the signed-in user", async () => {
    const user = await createLocalUser({ name: "Ada", email: "ada@example.com", password: "a long enough password" }, "owner", true);
    session.current = { user: { id: user.id } };
    const response = await GET(new Request("http://localhost/api/me"), {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: user.id, name: "Ada", email: "ada@example.com", role: "owner" });
  });
});
