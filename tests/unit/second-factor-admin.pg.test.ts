import { afterEach, describe, expect, it, vi } from "vitest";
import type { TOTP } from "otpauth";

/**
 * Issue 26: an admin turns off the second factor of someone in their workspace who lost their
 * authenticator; an owner's only an owner may; nobody outside the workspace; audited.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { URI } = await import("otpauth");
const { beginEnrolment, confirmEnrolment, hasSecondFactor, turnOffSecondFactorFor } = await import("@/lib/auth/second-factor");
const { listAudit } = await import("@/lib/auth/audit");
const { turnOffSecondFactorAction } = await import("@/app/(dashboard)/users/actions");
const { createUser } = await import("../support/helpers");

afterEach(() => {
  session.current = null;
});

async function enrol(userId: string): Promise<void> {
  const enrolment = await beginEnrolment(userId, "someone");
  await confirmEnrolment(userId, (URI.parse(enrolment.uri) as TOTP).generate());
}

function form(userId: string): FormData {
  const data = new FormData();
  data.set("userId", userId);
  return data;
}

describe("an admin turning off someone's second factor", () => {
  it("works for a member of the workspace, is audited, and refuses a member acting, another workspace and oneself", async () => {
    const owner = await createUser("tf-owner");
    const admin = await createUser("tf-admin", "member", { workspaceId: owner.workspaceId, role: "admin" });
    const member = await createUser("tf-member", "member", { workspaceId: owner.workspaceId, role: "member" });
    const colleague = await createUser("tf-colleague", "member", { workspaceId: owner.workspaceId, role: "member" });
    const stranger = await createUser("tf-stranger");
    await Promise.all([enrol(member.id), enrol(admin.id), enrol(stranger.id)]);

    session.current = { user: { id: colleague.id } };
    expect(await turnOffSecondFactorAction(undefined, form(member.id))).toEqual({ error: expect.any(String) });
    expect(await hasSecondFactor(member.id)).toBe(true);

    session.current = { user: { id: admin.id } };
    expect(await turnOffSecondFactorAction(undefined, form(stranger.id))).toEqual({ error: "That person is not in this workspace." });
    expect(await hasSecondFactor(stranger.id)).toBe(true);
    expect(await turnOffSecondFactorAction(undefined, form(admin.id))).toEqual({ error: "Turn off your own two-factor sign-in on your account page." });

    expect(await turnOffSecondFactorAction(undefined, form(member.id))).toEqual({ ok: expect.stringContaining("Two-factor sign-in turned off") });
    expect(await hasSecondFactor(member.id)).toBe(false);
    expect(await turnOffSecondFactorAction(undefined, form(member.id))).toEqual({ ok: "Two-factor sign-in was not on." });

    const entries = (await listAudit(owner.workspaceId)).filter((entry) => entry.action === "second_factor_disabled");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: member.email, detail: { by: "admin" } });
  });

  it("leaves an owner's to owners, an owner of any workspace included", async () => {
    const owner = await createUser("tf2-owner");
    const secondOwner = await createUser("tf2-second-owner", "member", { workspaceId: owner.workspaceId, role: "owner" });
    const admin = await createUser("tf2-admin", "member", { workspaceId: owner.workspaceId, role: "admin" });
    // Owns a workspace of their own, and is only a member here.
    const ownerElsewhere = await createUser("tf2-elsewhere");
    const { addMember } = await import("@/lib/auth/workspaces");
    await addMember(owner.workspaceId, ownerElsewhere.id, "member");
    await Promise.all([enrol(secondOwner.id), enrol(ownerElsewhere.id)]);

    await expect(turnOffSecondFactorFor(owner.workspaceId, { id: admin.id, role: "admin" }, secondOwner.id)).rejects.toThrow(
      "Only an owner can turn off an owner's two-factor sign-in.",
    );
    await expect(turnOffSecondFactorFor(owner.workspaceId, { id: admin.id, role: "admin" }, ownerElsewhere.id)).rejects.toThrow("Only an owner");
    expect(await hasSecondFactor(secondOwner.id)).toBe(true);
    expect(await turnOffSecondFactorFor(owner.workspaceId, { id: owner.id, role: "owner" }, secondOwner.id)).toBe(true);
    expect(await turnOffSecondFactorFor(owner.workspaceId, { id: owner.id, role: "owner" }, ownerElsewhere.id)).toBe(true);
    expect(await hasSecondFactor(ownerElsewhere.id)).toBe(false);
  });
});
