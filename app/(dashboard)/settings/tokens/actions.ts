"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAccessToken, newTokenSchema, revokeAccessToken } from "@/lib/auth/access-tokens";
import { actorOf, audit } from "@/lib/auth/audit";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { fieldErrors } from "@/lib/platform/issues";

export type CreateTokenState = { created?: { name: string; token: string }; error?: string; fieldErrors?: Record<string, string | undefined> } | undefined;

/** Makes a token and answers it to this one response: the page shows it once and never again. */
export async function createTokenAction(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const user = await requireUser();
  const expiry = form.get("expiresInDays");
  const parsed = newTokenSchema.safeParse({
    name: form.get("name"),
    scope: form.get("scope"),
    expiresInDays: expiry === "never" || !expiry ? undefined : expiry,
  });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error) };
  const { name, scope, expiresInDays } = parsed.data;
  if (scope === "write" && !atLeast(user.role, "member"))
    return { error: `Your role in ${user.workspaceName} is viewer: make a read token (a viewer's token reads only, whatever it asks).` };
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 24 * 60 * 60 * 1000) : undefined;
  const { id, token } = await createAccessToken(user, { name, scope, expiresAt });
  await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "token_created", target: name, detail: { id, scope } });
  revalidatePath("/settings/tokens");
  return { created: { name, token } };
}

export type RevokeTokenState = { error?: string } | undefined;

export async function revokeTokenAction(_previous: RevokeTokenState, form: FormData): Promise<RevokeTokenState> {
  const user = await requireUser();
  const tokenId = z.string().uuid().safeParse(form.get("tokenId"));
  if (!tokenId.success || !(await revokeAccessToken(user.id, tokenId.data))) return { error: "That token does not exist or is already revoked." };
  await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "token_revoked", target: tokenId.data });
  revalidatePath("/settings/tokens");
  return undefined;
}
