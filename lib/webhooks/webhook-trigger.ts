import "server-only";
import { findWorkflow } from "@/lib/mastra";
import { describeIssues } from "@/lib/platform";
import { RunInputError, startWorkflowRun } from "@/lib/runs";
import { workspaceOwnerId } from "@/lib/auth";
import type { DeliveryRow } from "./deliveries";
import { findEndpointForIntake } from "./endpoints";
import { PermanentDeliveryError, type WorkflowStarter } from "./handlers";
import { deliveryPayload } from "./payload";

/** Who a delivery's workflow acts as: the person who made its endpoint, or for an instance-wide URL the workspace's first owner. */
async function actingPersonFor(delivery: DeliveryRow): Promise<string | undefined> {
  const endpoint = delivery.endpointId ? await findEndpointForIntake(delivery.providerId, delivery.endpointId) : undefined;
  return endpoint?.userId ?? (await workspaceOwnerId(delivery.workspaceId));
}

/**
 * What the dispatcher starts for a delivery (lib/server/startup.ts hands it over): the delivery's payload
 * becomes the workflow's input (each workflow says how), the run is recorded as triggered by that delivery, and a failed run
 * fails the processing attempt so the dispatcher retries it. A payload that cannot become the
 * workflow's input fails the delivery for good: a retry would see the same bytes.
 */
export const startWorkflowForDelivery: WorkflowStarter = async (workflowId, delivery) => {
  const workflow = findWorkflow(workflowId);
  if (!workflow?.fromWebhookPayload) return undefined;
  let payload: unknown;
  try {
    payload = deliveryPayload(delivery.body, delivery.headers["content-type"]);
  } catch (error) {
    throw new PermanentDeliveryError(`The payload cannot be parsed: ${(error as Error).message}`);
  }
  const input = workflow.fromWebhookPayload.safeParse(payload);
  if (!input.success) throw new PermanentDeliveryError(`The payload does not fit the input of ${workflowId}: ${describeIssues(input.error, "payload")}`);
  const userId = await actingPersonFor(delivery);
  if (!userId) throw new PermanentDeliveryError("No one in this workspace can act for the delivery: its endpoint's maker and every owner are gone.");
  let started: Awaited<ReturnType<typeof startWorkflowRun>>;
  try {
    started = await startWorkflowRun({ userId, workspaceId: delivery.workspaceId }, workflowId, input.data, {
      trigger: delivery.replayRequested ? "replay" : "webhook",
      deliveryId: delivery.id,
    });
  } catch (error) {
    if (error instanceof RunInputError) throw new PermanentDeliveryError(`The payload does not fit the input of ${workflowId}: ${error.message}`);
    throw error;
  }
  const run = await started.finished;
  return { runId: run.id, error: run.status === "failed" ? (run.error ?? "the run failed") : undefined };
};
