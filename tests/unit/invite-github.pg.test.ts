import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { listAudit } from "@/lib/auth/audit";
import { INVITE_PASS_LIFETIME_MS, joinInviteAfterSignIn, openInvitePass, sealInvitePass } from "@/lib/auth/invite-pass";
import { createInvite, findOpenInvite } from "@/lib/auth/invites";
import { providerSignInVerdict } from "@/lib/auth/sign-in";
import { roleIn } from "@/lib/auth/workspaces";
import { keyRing, seal } from "@/lib/crypto";
import { createUser } from "../support/helpers";

/**
 * Issue 26: accepting an invite by signing in with GitHub as a new person. The invite rides the
 * OAuth round trip in a sealed, short-lived cookie; with it an unknown GitHub identity may sign in
 * (without it, only when sign-up is open), and the new person joins the invite's workspace with
 * its role, the invite used once.
 */

let counter = 0;
const unique = (name: string) => `${name}-${++counter}-${Date.now()}`;

/** A person as the GitHub sign-in makes them (Auth.js's adapter: no password), linked to a GitHub identity. */
async function githubPerson(email: string | null, githubId: string) {
  const [person] = await db().insert(users).values({ name: "Octo Cat", email }).returning({ id: users.id, email: users.email });
  await db().insert(accounts).values({ userId: person!.id, type: "oauth", provider: "github", providerAccountId: githubId });
  return person!;
}

describe("the invite pass (the cookie carried through GitHub)", () => {
  it("opens to the invite token while fresh, and to nothing once expired, altered or sealed for something else", () => {
    const token = "a".repeat(43);
    const now = Date.now();
    const pass = sealInvitePass(token, now);
    expect(pass).not.toContain(token);
    expect(openInvitePass(pass, now + 1000)).toBe(token);
    expect(openInvitePass(pass, now + INVITE_PASS_LIFETIME_MS + 1)).toBeUndefined();
    const parts = pass.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("AA") ? "BB" : "AA");
    expect(openInvitePass(parts.join("."), now)).toBeUndefined();
    const elsewhere = seal(keyRing(), JSON.stringify({ token, expiresAt: now + 60_000 }), { table: "connections", column: "api_key", id: "x" });
    expect(openInvitePass(elsewhere, now)).toBeUndefined();
    expect(openInvitePass(undefined, now)).toBeUndefined();
    expect(openInvitePass("not-a-pass", now)).toBeUndefined();
  });
});

describe("providerSignInVerdict with an invite", () => {
  it("lets an unknown GitHub identity in with an open invite for an address without an account, and not otherwise", async () => {
    const owner = await createUser("gh-verdict-owner");
    const githubId = unique("gh");
    expect(await providerSignInVerdict("github", githubId, false)).toBe("refused");
    expect(await providerSignInVerdict("github", githubId, true)).toBe("allowed");
    expect(await providerSignInVerdict("github", githubId, false, { email: `${unique("new")}@example.com` })).toBe("allowed");
    // The invited address has an account already: they sign in with it and open the link.
    expect(await providerSignInVerdict("github", githubId, false, { email: owner.email! })).toBe("account_exists");
    // A known identity signs in as before, invite or not.
    const linked = await githubPerson(`${unique("linked")}@example.com`, githubId);
    expect(await providerSignInVerdict("github", githubId, false, { email: `${unique("x")}@example.com` })).toBe("allowed");
    expect(linked.id).toBeTruthy();
  });
});

describe("joining after the GitHub sign-in", () => {
  it("adds the new person with the invite's role, uses the invite once, and audits it", async () => {
    const owner = await createUser("gh-join-owner");
    const email = `${unique("joiner")}@example.com`;
    const invite = await createInvite(owner.workspaceId, owner.id, email, "viewer");
    const person = await githubPerson(email, unique("gh"));

    const joined = await joinInviteAfterSignIn(invite.token, person.id);
    expect(joined).toMatchObject({ workspaceId: owner.workspaceId, role: "viewer", email });
    expect(await roleIn(person.id, owner.workspaceId)).toBe("viewer");
    expect(await findOpenInvite(invite.token)).toBeUndefined();
    expect(await joinInviteAfterSignIn(invite.token, person.id)).toBeUndefined();

    const entries = (await listAudit(owner.workspaceId)).filter((entry) => entry.action === "invite_accepted");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: email, detail: { role: "viewer", via: "github" } });
    expect(JSON.stringify(entries)).not.toContain(invite.token);
  });

  it("does not join someone whose address is not the invited one", async () => {
    const owner = await createUser("gh-other-owner");
    const invite = await createInvite(owner.workspaceId, owner.id, `${unique("invited")}@example.com`, "admin");
    const someoneElse = await githubPerson(`${unique("else")}@example.com`, unique("gh"));
    expect(await joinInviteAfterSignIn(invite.token, someoneElse.id)).toBeUndefined();
    expect(await roleIn(someoneElse.id, owner.workspaceId)).toBeUndefined();
    expect(await findOpenInvite(invite.token)).toBeDefined();
  });
});
