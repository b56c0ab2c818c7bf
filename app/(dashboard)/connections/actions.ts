"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { apiKeyInputSchema, saveApiKey } from "@/lib/connections/api-keys";
import { disconnect } from "@/lib/connections/disconnect";
import { ConnectionError } from "@/lib/connections/errors";
import { shareInstanceKey, stopSharingInstanceKey } from "@/lib/connections/instance-keys";

export type ActionResult = { ok?: string; error?: string; canSaveUnchecked?: boolean } | undefined;

export async function disconnectAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const connectionId = z.string().min(1).max(100).safeParse(form.get("connectionId"));
  if (!connectionId.success) return { error: "That connection does not exist." };
  try {
    const result = await disconnect(user.id, connectionId.data);
    revalidatePath("/connections");
    revalidatePath("/");
    return result.warning ? { error: result.message } : { ok: result.message };
  } catch (error) {
    if (error instanceof ConnectionError) return { error: error.message };
    throw error;
  }
}

export async function saveApiKeyAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const providerId = z.string().min(1).max(40).safeParse(form.get("providerId"));
  const apiKey = apiKeyInputSchema.safeParse(form.get("apiKey"));
  if (!providerId.success) return { error: "Unknown service." };
  if (!apiKey.success) return { error: apiKey.error.issues[0]?.message ?? "That is not an API key." };
  try {
    const saved = await saveApiKey(user.id, providerId.data, apiKey.data, { unchecked: form.get("unchecked") === "1" });
    revalidatePath("/connections");
    revalidatePath("/");
    return { ok: `Key saved (….${saved.apiKeyLast4})${form.get("unchecked") === "1" ? ", unchecked" : ""}.` };
  } catch (error) {
    if (error instanceof ConnectionError) return { error: error.message, canSaveUnchecked: error.code === "check_failed" };
    throw error;
  }
}

/** An owner shares the instance's key for one service with members, or stops sharing it. */
export async function instanceKeyShareAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const providerId = z.string().min(1).max(40).safeParse(form.get("providerId"));
  const share = form.get("share") === "1";
  if (!providerId.success) return { error: "Unknown service." };
  try {
    if (share) await shareInstanceKey(user.id, providerId.data);
    else await stopSharingInstanceKey(user.id, providerId.data);
    revalidatePath("/connections");
    revalidatePath("/");
    return { ok: share ? "Shared with members." : "No longer shared: members act with their own keys only." };
  } catch (error) {
    if (error instanceof ConnectionError) return { error: error.message };
    throw error;
  }
}
