"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { findUserById } from "@/lib/auth/users";
import type { Member } from "@/lib/auth/session";
import { checkAutomation, type Problem } from "@/lib/automations/check";
import { AutomationRunError, rerunAutomationRun, startAutomationRun } from "@/lib/automations/queued-runs";
import { createAutomation, deleteAutomation, mayEdit, requireAutomation, setAutomationEnabled, updateAutomation } from "@/lib/automations/store";
import { ApiError } from "@/lib/platform/errors";

export type SaveState = { error?: string; problems?: Problem[]; ok?: string } | undefined;
export type RunState = { error?: string; runId?: string; automationId?: string } | undefined;

async function auditAs(user: Member, action: Parameters<typeof audit>[0]["action"], target: string, detail: Record<string, unknown> = {}) {
  const person = await findUserById(user.userId);
  await audit({ workspaceId: user.workspaceId, actor: person ? actorOf(person) : { id: user.userId, label: user.userId }, action, target, detail });
}

function readFile(form: FormData): unknown {
  const text = String(form.get("automation") ?? "");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_request", `The automation is not valid JSON: ${(error as Error).message}`);
  }
}

/** Saves a new automation or a new version of one (`id`); members make their own, admins and authors change them. */
export async function saveAutomationAction(_: SaveState, form: FormData): Promise<SaveState> {
  let savedId: string | undefined;
  const result = await userAction(async (user) => {
    const id = String(form.get("id") ?? "") || undefined;
    const checked = await checkAutomation(user.workspaceId, readFile(form));
    if (!checked.ok) return { error: "Fix these before saving.", problems: checked.problems };
    const file = { name: checked.name, definition: checked.definition };
    if (id) {
      const existing = await requireAutomation(user.workspaceId, id);
      if (!mayEdit(user, existing)) throw new ApiError("forbidden", "Only an admin or the automation's author can change it.");
      const saved = await updateAutomation(user, id, file);
      await auditAs(user, "automation_changed", saved.name, { version: saved.version });
      savedId = saved.id;
    } else {
      const saved = await createAutomation(user, file, { enabled: form.get("enable") === "on" });
      await auditAs(user, "automation_created", saved.name);
      savedId = saved.id;
    }
    revalidatePath("/automations");
    return { ok: "Saved." };
  });
  if (savedId && !form.get("id")) redirect(`/automations/${savedId}`);
  return result;
}

export async function setEnabledAction(_: SaveState, form: FormData): Promise<SaveState> {
  return userAction(async (user) => {
    const { id, enabled } = actionInput(z.object({ id: z.string().min(1), enabled: z.enum(["true", "false"]) }), Object.fromEntries(form));
    const existing = await requireAutomation(user.workspaceId, id);
    if (!mayEdit(user, existing)) throw new ApiError("forbidden", "Only an admin or the automation's author can turn it on or off.");
    const saved = await setAutomationEnabled(user, id, enabled === "true");
    await auditAs(user, saved.enabled ? "automation_enabled" : "automation_disabled", saved.name);
    revalidatePath(`/automations/${id}`);
    revalidatePath("/automations");
    return { ok: saved.enabled ? "Enabled: it runs on its trigger now." : "Paused: it does not run until enabled." };
  });
}

export async function deleteAutomationAction(_: SaveState, form: FormData): Promise<SaveState> {
  let deleted = false;
  const result = await userAction(async (user) => {
    const id = String(form.get("id") ?? "");
    const existing = await requireAutomation(user.workspaceId, id);
    if (!mayEdit(user, existing)) throw new ApiError("forbidden", "Only an admin or the automation's author can delete it.");
    deleted = await deleteAutomation(user.workspaceId, id);
    await auditAs(user, "automation_removed", existing.name);
    revalidatePath("/automations");
    return { ok: "Deleted." };
  });
  if (deleted) redirect("/automations");
  return result;
}

const runRequest = z.object({
  id: z.string().min(1),
  mode: z.enum(["run", "dry", "try"]),
  deliveryId: z.coerce.number().int().positive().optional(),
  input: z.string().max(100_000).optional(),
});

/** Runs an automation by hand (members), as a dry run, or on a past delivery ("try with this delivery"). */
export async function runAutomationAction(_: RunState, form: FormData): Promise<RunState> {
  return userAction(
    async (user) => {
      const request = actionInput(runRequest, Object.fromEntries([...form.entries()].filter(([, value]) => value !== "")));
      let input: Record<string, unknown> = {};
      if (request.input) {
        try {
          input = z.record(z.string(), z.unknown()).parse(JSON.parse(request.input));
        } catch {
          throw new ApiError("invalid_request", "The input must be a JSON object.");
        }
      }
      if (request.mode === "try" && request.deliveryId === undefined) throw new ApiError("invalid_request", "Choose a delivery to try it with.");
      const run = await startAutomationRun(user, request.id, {
        input,
        dryRun: request.mode === "dry",
        deliveryId: request.mode === "try" ? request.deliveryId : undefined,
      });
      await auditAs(user, "automation_run", request.id, { mode: request.mode });
      revalidatePath(`/automations/${request.id}`);
      return { runId: run.id, automationId: request.id };
    },
    [AutomationRunError],
  );
}

export async function rerunAction(_: RunState, form: FormData): Promise<RunState> {
  return userAction(
    async (user) => {
      const runId = String(form.get("runId") ?? "");
      const run = await rerunAutomationRun(user, runId);
      await auditAs(user, "automation_run", run.automationId, { mode: "rerun-from-failed-step" });
      revalidatePath(`/automations/${run.automationId}/runs/${runId}`);
      return { runId, automationId: run.automationId };
    },
    [AutomationRunError],
  );
}
