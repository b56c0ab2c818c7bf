import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { env, log } from "@/lib/platform";
import { actorOf, audit } from "./audit";
import { acceptInvite, findOpenInvite, InviteError, type OpenInvite } from "./invites";
import { findUserById } from "./users";
import { lookAtWorkspace } from "./workspace-cookie";

/*
 * Accepting an invite by signing in with GitHub: the invite page's "Join with GitHub" puts the
 * invite's token in a short-lived cookie (sealed with the instance's key, so it is neither readable
 * nor forgeable in the browser) before sending the person to GitHub. When GitHub sends them back,
 * the sign-in callback reads it: an unknown GitHub identity may then sign in (providerSignInVerdict),
 * the new person is made with the invited address, and joins the invite's workspace with its role,
 * the invite used up in the same transaction (acceptInvite).
 */

export const INVITE_PASS_COOKIE = "patchbay-invite-pass";
/** As long as an OAuth round trip may take (the connection flow's state lives as long). */
export const INVITE_PASS_LIFETIME_MS = 10 * 60_000;

const sealContext = { table: "cookies", column: INVITE_PASS_COOKIE, id: "github-sign-in" };
const passSchema = z.object({ token: z.string().max(100), expiresAt: z.number() });

/** The cookie's value for an invite token: sealed, with its expiry inside. */
export function sealInvitePass(token: string, now = Date.now()): string {
  return seal(keyRing(), JSON.stringify({ token, expiresAt: now + INVITE_PASS_LIFETIME_MS }), sealContext);
}

/** The invite token a cookie value carries while it is fresh; undefined for anything else (expired, altered, made elsewhere). */
export function openInvitePass(value: string | undefined, now = Date.now()): string | undefined {
  if (!value || value.length > 1000) return undefined;
  try {
    const pass = passSchema.parse(JSON.parse(unseal(keyRing(), value, sealContext)));
    return pass.expiresAt > now ? pass.token : undefined;
  } catch {
    return undefined;
  }
}

/** Before the round trip to GitHub: remember which invite the person is accepting. */
export async function carryInvite(token: string): Promise<void> {
  (await cookies()).set(INVITE_PASS_COOKIE, sealInvitePass(token), {
    httpOnly: true,
    sameSite: "lax", // sent on GitHub's top-level redirect back to the callback
    path: "/",
    maxAge: INVITE_PASS_LIFETIME_MS / 1000,
    secure: new URL(env().APP_URL).protocol === "https:",
  });
}

async function carriedToken(): Promise<string | undefined> {
  try {
    return openInvitePass((await cookies()).get(INVITE_PASS_COOKIE)?.value);
  } catch {
    return undefined; // outside a request
  }
}

/** The open invite the current request carries, if any. */
export async function carriedInvite(): Promise<OpenInvite | undefined> {
  const token = await carriedToken();
  return token ? findOpenInvite(token) : undefined;
}

/**
 * The invited address, for the account a new GitHub identity makes while it carries an open
 * invite: holding the link is what the password path asks too (it makes the account with that
 * address).
 */
export async function invitedEmail(): Promise<string | undefined> {
  return (await carriedInvite())?.email;
}

/**
 * Joins the invite the person carried through GitHub (used up once, audited), and looks at its
 * workspace next. Answers the workspace joined, or undefined (no invite carried, or it no longer
 * works, or it is for another address: then the person simply signed in).
 */
export async function joinInviteAfterSignIn(token: string, userId: string): Promise<OpenInvite | undefined> {
  const person = await findUserById(userId);
  if (!person) return undefined;
  try {
    const invite = await acceptInvite(token, person);
    await audit({
      workspaceId: invite.workspaceId,
      actor: actorOf(person),
      action: "invite_accepted",
      target: invite.email,
      detail: { role: invite.role, via: "github" },
    });
    return invite;
  } catch (error) {
    if (error instanceof InviteError) {
      log.info("invite carried through GitHub sign-in not accepted", { reason: error.message });
      return undefined;
    }
    throw error;
  }
}

/** After a GitHub sign-in: join the carried invite, if any, and forget it. */
export async function joinCarriedInvite(userId: string): Promise<OpenInvite | undefined> {
  const token = await carriedToken();
  if (!token) return undefined;
  const jar = await cookies();
  jar.delete(INVITE_PASS_COOKIE);
  const invite = await joinInviteAfterSignIn(token, userId);
  if (invite) await lookAtWorkspace(invite.workspaceId);
  return invite;
}
