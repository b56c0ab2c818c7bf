import "server-only";
import { setWorkflowStarter } from "@/lib/webhooks/handlers";
import { findWorkflow } from "./index";
import { startWorkflowRun } from "./workflow-runs";

/**
 * Connects webhook processing to workflows: the delivery's payload becomes the workflow's input
 * (each workflow says how), the run is recorded as triggered by that delivery, and a failed run
 * fails the processing attempt so the dispatcher retries it.
 */
export function connectWebhooksToWorkflows(): void {
  setWorkflowStarter(async (workflowId, delivery) => {
    const workflow = findWorkflow(workflowId);
    if (!workflow?.fromWebhookPayload) return undefined;
    const input = workflow.fromWebhookPayload.parse(JSON.parse(delivery.body));
    const started = await startWorkflowRun(delivery.userId, workflowId, input, {
      trigger: delivery.replayRequested ? "replay" : "webhook",
      deliveryId: delivery.id,
    });
    const run = await started.finished;
    return { runId: run.id, error: run.status === "failed" ? (run.error ?? "the run failed") : undefined };
  });
}
