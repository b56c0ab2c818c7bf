import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { affectedRows, db, transaction } from "@/db/client";
import { invites, workspaces } from "@/db/schema";
import { mailConfigured, sendMail } from "@/lib/mail";
import { env } from "@/lib/platform";
import { addMember, type WorkspaceRole } from "./workspaces";

/** How long an invite link works. */
export const INVITE_LIFETIME_MS = 7 * 24 * 3_600_000;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function inviteUrl(token: string): string {
  return `${env().APP_URL}/invite/${token}`;
}

export class InviteError extends Error {
  override name = "InviteError";
}

/**
 * Invites an email address into a workspace with a role: a single-use link, answered once here
 * (only its SHA-256 is stored). An earlier pending invite for the same address is revoked, so only
 * the newest link works.
 */
export async function createInvite(
  workspaceId: string,
  invitedBy: string,
  email: string,
  role: WorkspaceRole,
  now = Date.now(),
): Promise<{ id: string; token: string; url: string; expiresAt: Date }> {
  const address = email.trim().toLowerCase();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now + INVITE_LIFETIME_MS);
  const id = await transaction(async (tx) => {
    await tx
      .update(invites)
      .set({ revokedAt: new Date(now) })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.email, address), isNull(invites.acceptedAt), isNull(invites.revokedAt)));
    const [row] = await tx
      .insert(invites)
      .values({ workspaceId, email: address, role, tokenHash: hashInviteToken(token), invitedBy, expiresAt })
      .returning({ id: invites.id });
    return row!.id;
  });
  return { id, token, url: inviteUrl(token), expiresAt };
}

export type PendingInvite = { id: string; email: string; role: WorkspaceRole; createdAt: Date; expiresAt: Date };

/** Invites not yet accepted, revoked or expired, newest first. */
export async function listPendingInvites(workspaceId: string, now = Date.now()): Promise<PendingInvite[]> {
  return db()
    .select({ id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt })
    .from(invites)
    .where(and(eq(invites.workspaceId, workspaceId), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date(now))))
    .orderBy(desc(invites.createdAt));
}

/** Revokes a pending invite of this workspace; answers its email, or undefined when there was none. */
export async function revokeInvite(workspaceId: string, inviteId: string, now = Date.now()): Promise<string | undefined> {
  const [row] = await db()
    .update(invites)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(invites.id, inviteId), eq(invites.workspaceId, workspaceId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
    .returning({ email: invites.email });
  return row?.email;
}

export type OpenInvite = { id: string; workspaceId: string; workspaceName: string; email: string; role: WorkspaceRole; expiresAt: Date };

/** The invite a link stands for while it can still be accepted, or undefined (unknown, used, revoked or expired: one answer for all). */
export async function findOpenInvite(token: string, now = Date.now()): Promise<OpenInvite | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db()
    .select({
      id: invites.id,
      workspaceId: invites.workspaceId,
      workspaceName: workspaces.name,
      email: invites.email,
      role: invites.role,
      expiresAt: invites.expiresAt,
    })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(and(eq(invites.tokenHash, hashInviteToken(token)), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date(now))))
    .limit(1);
  return row;
}

/**
 * Accepts an invite for a person: the link is used up in the same transaction that adds them, so
 * two tabs (or two people) racing on one link cannot both join. The person's email must be the
 * invited one.
 */
export async function acceptInvite(token: string, person: { id: string; email: string | null }, now = Date.now()): Promise<OpenInvite> {
  const invite = await findOpenInvite(token, now);
  if (!invite) throw new InviteError("This invite link is not valid any more: it was used, revoked or has expired. Ask for a new one.");
  if ((person.email ?? "").toLowerCase() !== invite.email) throw new InviteError(`This invite is for ${invite.email}. Sign in with that address to accept it.`);
  await transaction(async (tx) => {
    const used = await tx
      .update(invites)
      .set({ acceptedAt: new Date(now), acceptedBy: person.id })
      .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt), isNull(invites.revokedAt)));
    if (affectedRows(used) !== 1) throw new InviteError("This invite link was just used.");
    await addMember(invite.workspaceId, person.id, invite.role, tx);
  });
  return invite;
}

/**
 * Emails an invite link when SMTP is configured (SMTP_URL, MAIL_FROM); answers whether it was
 * sent. The admin also sees the link to copy, so a mail that cannot be sent is said, not fatal.
 */
export async function mailInvite(
  email: string,
  url: string,
  from: { name: string | null; email: string | null; workspaceName: string },
  role: WorkspaceRole,
): Promise<boolean> {
  if (!mailConfigured()) return false;
  const inviter = from.name ?? from.email ?? "Someone";
  await sendMail({
    to: email,
    subject: `${inviter} invited you to ${from.workspaceName} on Patchbay`,
    text: [
      `${inviter} invited you to the ${from.workspaceName} workspace on Patchbay as ${role}.`,
      "",
      `Accept the invite: ${url}`,
      "",
      "The link works once, for 7 days. If you did not expect it, ignore this mail.",
    ].join("\n"),
  });
  return true;
}
