import { describe, expect, it } from "vitest";
import { authenticateToken, createAccessToken } from "@/lib/auth/access-tokens";
import { actorOf, audit, listAudit } from "@/lib/auth/audit";
import { acceptInvite, createInvite, findOpenInvite, INVITE_LIFETIME_MS, revokeInvite } from "@/lib/auth/invites";
import { listMembers, removeMember, roleIn, setMemberRole } from "@/lib/auth/workspaces";
import { createUser } from "../support/helpers";

const limits = { perToken: 1_000, perPerson: 1_000 };

describe("roles in a workspace", () => {
  it("a viewer's token reads only, whatever scope it was made with; a person taken out of the workspace has a token that no longer works", async () => {
    const owner = await createUser("roles-owner");
    const viewer = await createUser("roles-viewer", "member", { workspaceId: owner.workspaceId, role: "viewer" });
    const member = await createUser("roles-member", "member", { workspaceId: owner.workspaceId, role: "member" });
    const viewerToken = await createAccessToken(viewer, { name: "viewer's", scope: "write" });
    const memberToken = await createAccessToken(member, { name: "member's", scope: "write" });

    expect(await authenticateToken(viewerToken.token, limits)).toMatchObject({
      ok: true,
      identity: { scope: "read", role: "viewer", workspaceId: owner.workspaceId },
    });
    expect(await authenticateToken(memberToken.token, limits)).toMatchObject({ ok: true, identity: { scope: "write", role: "member" } });

    await setMemberRole(owner.workspaceId, "owner", member.id, "viewer");
    expect(await authenticateToken(memberToken.token, limits)).toMatchObject({ ok: true, identity: { scope: "read" } });
    await removeMember(owner.workspaceId, "owner", member.id);
    expect(await authenticateToken(memberToken.token, limits)).toEqual({ ok: false, reason: "revoked" });
  });

  it("only an owner makes or unmakes owners, and the last owner stays", async () => {
    const owner = await createUser("owners-owner");
    const admin = await createUser("owners-admin", "member", { workspaceId: owner.workspaceId, role: "admin" });
    await expect(setMemberRole(owner.workspaceId, "admin", admin.id, "owner")).rejects.toThrow("Only an owner");
    await expect(setMemberRole(owner.workspaceId, "admin", owner.id, "member")).rejects.toThrow("Only an owner");
    await expect(setMemberRole(owner.workspaceId, "owner", owner.id, "admin")).rejects.toThrow("needs an owner");
    await expect(removeMember(owner.workspaceId, "owner", owner.id)).rejects.toThrow("only owner");
    await setMemberRole(owner.workspaceId, "owner", admin.id, "owner");
    await setMemberRole(owner.workspaceId, "owner", owner.id, "viewer");
    expect((await listMembers(owner.workspaceId)).map((person) => person.role).sort()).toEqual(["owner", "viewer"]);
  });
});

describe("invites", () => {
  it("work once, for the invited address only, until revoked or expired; only the token's hash is kept", async () => {
    const owner = await createUser("invites-owner");
    const invitee = await createUser("invitee");
    const other = await createUser("someone-else");
    const invite = await createInvite(owner.workspaceId, owner.id, invitee.email!.toUpperCase(), "member");
    expect(invite.url).toMatch(/\/invite\/[\w-]{43}$/);

    await expect(acceptInvite(invite.token, other)).rejects.toThrow(`This invite is for ${invitee.email}`);
    expect(await roleIn(other.id, owner.workspaceId)).toBeUndefined();
    await acceptInvite(invite.token, invitee);
    expect(await roleIn(invitee.id, owner.workspaceId)).toBe("member");
    await expect(acceptInvite(invite.token, invitee)).rejects.toThrow("not valid any more");

    const revoked = await createInvite(owner.workspaceId, owner.id, "late@example.com", "viewer");
    expect(await revokeInvite(owner.workspaceId, revoked.id)).toBe("late@example.com");
    expect(await findOpenInvite(revoked.token)).toBeUndefined();

    const expiring = await createInvite(owner.workspaceId, owner.id, "slow@example.com", "viewer");
    expect(await findOpenInvite(expiring.token, Date.now() + INVITE_LIFETIME_MS + 1_000)).toBeUndefined();
    // Another workspace's admin cannot revoke it.
    const stranger = await createUser("invites-stranger");
    expect(await revokeInvite(stranger.workspaceId, expiring.id)).toBeUndefined();
    expect(await findOpenInvite(expiring.token)).toBeDefined();
  });

  it("a newer invite to the same address replaces the older one", async () => {
    const owner = await createUser("reinvite-owner");
    const first = await createInvite(owner.workspaceId, owner.id, "twice@example.com", "viewer");
    const second = await createInvite(owner.workspaceId, owner.id, "twice@example.com", "admin");
    expect(await findOpenInvite(first.token)).toBeUndefined();
    expect(await findOpenInvite(second.token)).toMatchObject({ role: "admin" });
  });
});

describe("the audit log", () => {
  it("keeps what was done, by whom, filterable, and never a secret", async () => {
    const owner = await createUser("audit-owner");
    const stranger = await createUser("audit-stranger");
    await audit({
      workspaceId: owner.workspaceId,
      actor: actorOf(owner),
      action: "token_created",
      target: "ci",
      detail: { scope: "write", token: "pbat_secret_value", apiKey: "sk_live_123", password: "hunter2", clientSecret: "abc", count: 2 },
    });
    await audit({ workspaceId: owner.workspaceId, actor: actorOf(owner), action: "delivery_replayed", target: "delivery 7" });
    await audit({ workspaceId: stranger.workspaceId, actor: actorOf(stranger), action: "delivery_replayed", target: "delivery 9" });

    const entries = await listAudit(owner.workspaceId);
    expect(entries.map((entry) => entry.action)).toEqual(["delivery_replayed", "token_created"]);
    expect(entries[1]).toMatchObject({ actorLabel: owner.email, target: "ci", detail: { scope: "write", count: 2 } });
    expect(JSON.stringify(entries)).not.toMatch(/pbat_secret_value|sk_live_123|hunter2|abc/);
    expect((await listAudit(owner.workspaceId, { action: "token_created" })).map((entry) => entry.target)).toEqual(["ci"]);
    expect(await listAudit(owner.workspaceId, { actor: "nobody" })).toEqual([]);
    expect((await listAudit(owner.workspaceId, { actor: owner.email!.slice(0, 8) })).length).toBe(2);
  });
});
