"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/lib/auth/config";
import { lookAtWorkspace, requireUser } from "@/lib/auth/session";

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

/** Looks at another of the person's workspaces (only one they are in: the choice is checked on every request too). */
export async function switchWorkspaceAction(form: FormData): Promise<void> {
  const user = await requireUser();
  const wanted = z.string().max(100).safeParse(form.get("workspaceId"));
  if (wanted.success && user.workspaces.some((workspace) => workspace.workspaceId === wanted.data)) {
    await lookAtWorkspace(wanted.data);
  }
  redirect("/");
}
