import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { actionInput, userAction } = await import("@/lib/auth/action");
const { ApiError } = await import("@/lib/platform/errors");
const { createUser } = await import("../support/helpers");

class KnownRefusal extends Error {}

describe("the server action helper", () => {
  beforeEach(async () => {
    session.current = { user: { id: (await createUser()).id } };
  });

  it("runs the action for the signed-in user", async () => {
    const id = session.current!.user.id;
    expect(await userAction(async (user) => ({ ok: user.id }))).toEqual({ ok: id });
  });

  it("sends a signed-out person to sign-in without running the action", async () => {
    session.current = null;
    const run = vi.fn(async () => ({ ok: "ran" }));
    await expect(userAction(run)).rejects.toMatchObject({ digest: expect.stringContaining("/sign-in") });
    expect(run).not.toHaveBeenCalled();
  });

  it("turns an ApiError and the named refusals into the form's message", async () => {
    expect(
      await userAction(async () => {
        throw new ApiError("forbidden", "Only an owner can do that.");
      }),
    ).toEqual({ error: "Only an owner can do that." });
    expect(
      await userAction(async () => {
        throw new KnownRefusal("GitHub said no.");
      }, [KnownRefusal]),
    ).toEqual({ error: "GitHub said no." });
  });

  it("lets any other error through", async () => {
    await expect(
      userAction(async () => {
        throw new Error("a bug");
      }, [KnownRefusal]),
    ).rejects.toThrow("a bug");
  });

  it("checks the input with its schema: the given message, else the first issue's", async () => {
    const deliveryId = z.coerce.number().int().positive();
    expect(await userAction(async () => ({ ok: String(actionInput(deliveryId, "7", "Unknown delivery.")) }))).toEqual({ ok: "7" });
    expect(await userAction(async () => ({ ok: String(actionInput(deliveryId, "x", "Unknown delivery.")) }))).toEqual({ error: "Unknown delivery." });
    const events = z.array(z.string()).min(1, { message: "Choose at least one event." }).max(2, { message: "Two at most." });
    expect(await userAction(async () => ({ ok: actionInput(events, []).join() }))).toEqual({ error: "Choose at least one event." });
  });
});
