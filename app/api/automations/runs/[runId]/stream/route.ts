import { withUser } from "@/lib/auth/session";
import { getAutomationRun } from "@/lib/automations/run-queries";
import { runEvents, type RunEvent } from "@/lib/runs/run-events";
import { eventStream } from "@/lib/platform/sse";
import { ApiError } from "@/lib/platform/errors";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ runId: string }> };

/** Server-sent events for one automation run of this workspace: a message whenever a step or the run changes. */
export const GET = withUser<Context>(async (request, { params }, user) => {
  const { runId } = await params;
  if (!(await getAutomationRun(user.workspaceId, runId))) throw new ApiError("not_found", "No such run.");
  return eventStream(request, (send) => {
    const listener = (event: RunEvent) => {
      if (event.runId === runId && event.workspaceId === user.workspaceId) send("run", { stepId: event.stepId, status: event.status });
    };
    runEvents.on("run", listener);
    return () => runEvents.off("run", listener);
  });
});
