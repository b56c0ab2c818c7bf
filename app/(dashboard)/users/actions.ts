"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { newAccountSchema } from "@/lib/auth/schemas";
import { AccountExistsError, createLocalUser } from "@/lib/auth/users";

export type CreateMemberState =
  | { error?: string; created?: string; fieldErrors?: Record<string, string | undefined>; values?: { name: string; email: string } }
  | undefined;

export async function createMember(_previous: CreateMemberState, form: FormData): Promise<CreateMemberState> {
  const owner = await requireUser();
  if (owner.role !== "owner") return { error: "Only the owner can add people." };
  const parsed = newAccountSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    return { fieldErrors: Object.fromEntries(Object.entries(flat).map(([field, messages]) => [field, messages?.[0]])), values };
  }
  try {
    const user = await createLocalUser(parsed.data, "member");
    revalidatePath("/users");
    return { created: user.email ?? parsed.data.email };
  } catch (error) {
    if (error instanceof AccountExistsError) return { error: error.message, values };
    throw error;
  }
}
