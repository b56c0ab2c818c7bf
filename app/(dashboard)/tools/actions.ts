"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { requireRole, requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { runTool } from "@/lib/runs/tool-runs";
import { RunInputError, startWorkflowRun } from "@/lib/runs/workflow-runs";
import { FIX_CONNECTIONS_PATH, MissingConnectionsError } from "@/lib/runs/workflow-readiness";
import { deleteSpec, setEnabledOperations } from "@/lib/openapi/store";
import { getDelivery } from "@/lib/webhooks/queries";
import { toolSummary } from "@/lib/catalog/catalog";
import { lookupChoices, type LookupResult } from "@/lib/tools/lookups";

export type RunState =
  | { status: "succeeded" | "failed"; runId: string; output: unknown; error: string | null; durationMs: number | null }
  | { status: "invalid"; fieldErrors: Record<string, string>; message: string; fix?: { href: string; label: string } }
  | undefined;

function invalid(error: RunInputError): RunState {
  return {
    status: "invalid",
    fieldErrors: Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message])),
    message: "Some fields need attention.",
  };
}

const runOptionsSchema = z
  .object({
    accounts: z.record(z.string().min(1).max(40), z.string().min(1).max(100)).optional(),
    deliveryId: z.number().int().positive().optional(),
  })
  .default({});

/** Viewers read; running anything needs a member. */
const VIEWER_REFUSAL: RunState = {
  status: "invalid",
  fieldErrors: {},
  message: "Your role is viewer: viewers read runs but cannot start them. Ask an admin for the member role.",
};

export async function runToolAction(toolId: string, input: unknown, rawOptions?: unknown): Promise<RunState> {
  const user = await requireUser();
  if (!atLeast(user.role, "member")) return VIEWER_REFUSAL;
  const options = runOptionsSchema.safeParse(rawOptions);
  if (!options.success) return { status: "invalid", fieldErrors: {}, message: "The chosen account or delivery is not valid; reload the page." };
  if (options.data.deliveryId && !(await getDelivery(user.workspaceId, options.data.deliveryId)))
    return { status: "invalid", fieldErrors: {}, message: "That delivery does not exist." };
  try {
    const run = await runTool(user, toolId, input, options.data);
    await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "tool_run", target: toolId, detail: { run: run.id, status: run.status } });
    revalidatePath(`/tools/${toolId}`);
    revalidatePath("/runs");
    return { status: run.status === "succeeded" ? "succeeded" : "failed", runId: run.id, output: run.output, error: run.error, durationMs: run.durationMs };
  } catch (error) {
    if (error instanceof RunInputError) return invalid(error);
    throw error;
  }
}

export async function startWorkflowAction(workflowId: string, input: unknown, rawOptions?: unknown): Promise<RunState> {
  const user = await requireUser();
  if (!atLeast(user.role, "member")) return VIEWER_REFUSAL;
  const options = runOptionsSchema.safeParse(rawOptions);
  if (!options.success) return { status: "invalid", fieldErrors: {}, message: "The chosen delivery is not valid; reload the page." };
  const deliveryId = options.data.deliveryId && (await getDelivery(user.workspaceId, options.data.deliveryId)) ? options.data.deliveryId : undefined;
  let runId: string;
  try {
    runId = (await startWorkflowRun(user, workflowId, input, { trigger: "manual", deliveryId })).runId;
    await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "workflow_run", target: workflowId, detail: { run: runId } });
  } catch (error) {
    if (error instanceof RunInputError) return invalid(error);
    // Bound to fail: nothing is started, and the form says what is missing with a link to fix it.
    if (error instanceof MissingConnectionsError)
      return { status: "invalid", fieldErrors: {}, message: error.message, fix: { href: FIX_CONNECTIONS_PATH, label: "Open Connections" } };
    throw error;
  }
  redirect(`/runs/${runId}`);
}

export async function deleteImportedApiAction(specId: string): Promise<void> {
  const user = await requireUser();
  requireRole(user, "admin");
  if (await deleteSpec(user.workspaceId, specId)) await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "api_removed", target: specId });
  revalidatePath("/tools");
  redirect("/tools?deleted=1");
}

const toolChoices = z.object({ specId: z.string().min(1).max(100), toolIds: z.array(z.string().max(200)).max(20_000) });

/** Saves which operations of one of the user's APIs are tools. */
export async function saveToolChoicesAction(specId: string, toolIds: string[]): Promise<void> {
  const user = await requireUser();
  requireRole(user, "admin");
  const parsed = toolChoices.parse({ specId, toolIds });
  const enabled = await setEnabledOperations(user.workspaceId, parsed.specId, parsed.toolIds);
  if (enabled !== undefined)
    await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "api_tools_chosen", target: parsed.specId, detail: { enabled } });
  revalidatePath("/tools");
  revalidatePath(`/tools/apis/${parsed.specId}`);
}

/** A tool form's choices, or why they could not be listed. */
export type LookupsState = { lookups: LookupResult[] } | { error: string };

const lookupRequest = z.object({
  toolId: z.string().min(1).max(300),
  accounts: z.record(z.string().min(1).max(40), z.string().min(1).max(100)).default({}),
});

/**
 * The tool form's choices listed again with the connection the person just chose to act with (their
 * own or the workspace's shared one; an id that is neither is ignored, as a run ignores it). Any
 * role: the page shows the choices to viewers too, and listing changes nothing.
 */
export async function toolLookupsAction(toolId: string, accounts: unknown): Promise<LookupsState> {
  return userAction(
    async (user) => {
      const request = actionInput(lookupRequest, { toolId, accounts }, "The chosen account is not valid; reload the page.");
      const tool = await toolSummary(user, request.toolId);
      if (!tool) return { error: "There is no such tool." };
      return { lookups: tool.ready ? await lookupChoices(user, tool.id, request.accounts) : [] };
    },
    [],
    "viewer",
  );
}
