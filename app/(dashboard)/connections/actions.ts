"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { apiKeyInputSchema, saveApiKey } from "@/lib/connections/api-keys";
import { disconnect } from "@/lib/connections/disconnect";
import { ConnectionError } from "@/lib/connections/errors";
import { shareInstanceKey, stopSharingInstanceKey } from "@/lib/connections/instance-keys";

export type ActionResult = { ok?: string; error?: string; canSaveUnchecked?: boolean } | undefined;

export async function disconnectAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  return userAction(
    async (user) => {
      const connectionId = actionInput(z.string().min(1).max(100), form.get("connectionId"), "That connection does not exist.");
      const result = await disconnect(user.id, connectionId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "connection_removed", target: connectionId });
      revalidatePath("/connections");
      revalidatePath("/");
      return result.warning ? { error: result.message } : { ok: result.message };
    },
    [ConnectionError],
  );
}

/** An admin removes one of the workspace's shared connections (revoked at the provider where it can be). */
export async function disconnectSharedAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  return userAction(
    async (user) => {
      const connectionId = actionInput(z.string().min(1).max(100), form.get("connectionId"), "That connection does not exist.");
      const result = await disconnect(user.id, connectionId, { sharedIn: user.workspaceId });
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "connection_unshared", target: connectionId, detail: { shared: true } });
      revalidatePath("/connections");
      return result.warning ? { error: result.message } : { ok: result.message };
    },
    [ConnectionError],
    "admin",
  );
}

export async function saveApiKeyAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  return userAction(async (user) => {
    const providerId = actionInput(z.string().min(1).max(40), form.get("providerId"), "Unknown service.");
    const apiKey = actionInput(apiKeyInputSchema, form.get("apiKey"));
    try {
      const saved = await saveApiKey(user.id, providerId, apiKey, { unchecked: form.get("unchecked") === "1" });
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "api_key_saved", target: providerId, detail: { last4: saved.apiKeyLast4 } });
      revalidatePath("/connections");
      revalidatePath("/");
      return { ok: `Key saved (….${saved.apiKeyLast4})${form.get("unchecked") === "1" ? ", unchecked" : ""}.` };
    } catch (error) {
      // A key the provider could not check (as opposed to one it refused) may be saved unchecked.
      if (error instanceof ConnectionError) return { error: error.message, canSaveUnchecked: error.code === "check_failed" };
      throw error;
    }
  });
}

/**
 * An admin saves an API key as the workspace's shared connection: members without a key of their
 * own act with it (runs record that it did); replacing it keeps one shared key per service.
 */
export async function saveSharedApiKeyAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  return userAction(
    async (user) => {
      const providerId = actionInput(z.string().min(1).max(40), form.get("providerId"), "Unknown service.");
      const apiKey = actionInput(apiKeyInputSchema, form.get("apiKey"));
      const unchecked = form.get("unchecked") === "1";
      try {
        const saved = await saveApiKey(user.id, providerId, apiKey, { unchecked, sharedIn: user.workspaceId });
        await audit({
          workspaceId: user.workspaceId,
          actor: actorOf(user),
          action: "connection_shared",
          target: saved.id,
          detail: { provider: providerId, kind: "api_key", last4: saved.apiKeyLast4 },
        });
        revalidatePath("/connections");
        revalidatePath("/");
        return { ok: `Shared key saved (….${saved.apiKeyLast4})${unchecked ? ", unchecked" : ""}: members without a key of their own act with it.` };
      } catch (error) {
        if (error instanceof ConnectionError) return { error: error.message, canSaveUnchecked: error.code === "check_failed" };
        throw error;
      }
    },
    [],
    "admin",
  );
}

/** An owner shares the instance's key for one service with members, or stops sharing it. */
export async function instanceKeyShareAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  return userAction(
    async (user) => {
      const providerId = actionInput(z.string().min(1).max(40), form.get("providerId"), "Unknown service.");
      const share = form.get("share") === "1";
      if (share) await shareInstanceKey(user.id, providerId);
      else await stopSharingInstanceKey(user.id, providerId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: share ? "instance_key_shared" : "instance_key_unshared", target: providerId });
      revalidatePath("/connections");
      revalidatePath("/");
      return { ok: share ? "Shared with members." : "No longer shared: members act with their own keys only." };
    },
    [ConnectionError],
  );
}
