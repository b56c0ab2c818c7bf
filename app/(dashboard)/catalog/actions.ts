"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { BlockedRequestError, HttpError } from "@/lib/http";
import { OpenApiImportError } from "@/lib/openapi/document";
import { addProviderTools } from "@/lib/openapi/provider-tools";
import { getProvider } from "@/lib/providers";

export type AddToolsState = { ok?: string; specId?: string; error?: string } | undefined;

/**
 * "Add tools" on a catalog entry: imports the OpenAPI description the provider publishes, bound to
 * the connection of whoever runs a tool, with its read operations enabled. Imports are the admins'.
 */
export async function addProviderToolsAction(_previous: AddToolsState, form: FormData): Promise<AddToolsState> {
  return userAction(
    async (user) => {
      const providerId = actionInput(z.string().min(1).max(40), form.get("providerId"), "Unknown service.");
      const name = getProvider(providerId)?.name ?? providerId;
      try {
        const added = await addProviderTools(user.workspaceId, providerId);
        await audit({
          workspaceId: user.workspaceId,
          actor: actorOf(user),
          action: "api_imported",
          target: added.spec.slug,
          detail: { provider: providerId, operations: added.spec.operationCount, enabled: added.enabled.length, published: true },
        });
        revalidatePath("/tools");
        const reads = added.enabled.length === 1 ? "1 read tool" : `${added.enabled.length} read tools`;
        return {
          ok: added.replaced
            ? `${name}'s description was imported again; the tools chosen since are kept.`
            : `Added ${added.spec.operationCount} ${name} tools from its OpenAPI description, ${reads} enabled. Each person's own ${name} connection runs them.`,
          specId: added.spec.id,
        };
      } catch (error) {
        if (error instanceof OpenApiImportError) return { error: error.problems.map((problem) => problem.message).join(" ") };
        if (error instanceof HttpError || error instanceof BlockedRequestError) return { error: `Could not fetch ${name}'s description: ${error.message}` };
        throw error;
      }
    },
    [],
    "admin",
  );
}
