import { withUser } from "@/lib/auth/session";
import { runEvents, type RunEvent } from "@/lib/runs/run-events";
import { getWorkflowRun } from "@/lib/runs/workflow-runs";
import { eventStream } from "@/lib/platform/sse";
import { ApiError } from "@/lib/platform/errors";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ runId: string }> };

/** Server-sent events for one of this user's workflow runs: a message whenever a step or the run changes. */
export const GET = withUser<Context>(async (request, { params }, user) => {
  const { runId } = await params;
  if (!(await getWorkflowRun(user.workspaceId, runId))) throw new ApiError("not_found", "No such run.");
  return eventStream(request, (send) => {
    const listener = (event: RunEvent) => {
      if (event.runId === runId && event.workspaceId === user.workspaceId) send("run", { stepId: event.stepId, status: event.status });
    };
    runEvents.on("run", listener);
    return () => runEvents.off("run", listener);
  });
});
