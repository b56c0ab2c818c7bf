import "server-only";
import { readiness, withinWorkspace } from "@/lib/connections";
import { findWorkflow } from "@/lib/mastra";
import type { Actor } from "@/lib/platform";

/** A service a workflow acts on that the person cannot use yet, with what to do ("Connect Linear or add an API key first"). */
export type MissingService = { providerId: string; reason: string };

/** Where a person fixes what is missing. */
export const FIX_CONNECTIONS_PATH = "/connections";

/**
 * A workflow that would fail for want of a connection is not started (nor re-run): nothing is
 * created on the services it reaches before the one that is missing. The message says what is
 * missing and where to fix it; `missing` lists it for a form to link.
 */
export class MissingConnectionsError extends Error {
  override name = "MissingConnectionsError";
  constructor(
    readonly workflowId: string,
    readonly missing: MissingService[],
  ) {
    super(
      `${workflowId} was not started: ${missing.map((service) => service.reason.replace(/ first$/, "")).join("; ")} first, on the Connections page (${FIX_CONNECTIONS_PATH}).`,
    );
  }
}

/** The services a workflow acts on that this person has not connected (or must reconnect), in the workspace they act in. */
export async function missingServices(actor: Actor, workflowId: string): Promise<MissingService[]> {
  const missing: MissingService[] = [];
  for (const providerId of findWorkflow(workflowId)?.providers ?? []) {
    const state = await withinWorkspace(actor.workspaceId, () => readiness(actor.userId, providerId));
    if (!state.ready) missing.push({ providerId, reason: state.reason });
  }
  return missing;
}

/** Throws MissingConnectionsError when the workflow needs a service the person cannot use yet. */
export async function assertReadyToStart(actor: Actor, workflowId: string): Promise<void> {
  const missing = await missingServices(actor, workflowId);
  if (missing.length > 0) throw new MissingConnectionsError(workflowId, missing);
}
