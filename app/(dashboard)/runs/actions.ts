"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { RerunError, rerunFromFailedStep } from "@/lib/runs/workflow-runs";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";

export type RerunState = { error?: string } | undefined;

export async function rerunFromFailedStepAction(_previous: RerunState, form: FormData): Promise<RerunState> {
  return userAction(
    async (user) => {
      const runId = actionInput(z.string().min(1).max(100), form.get("runId"), "There is no such run.");
      const { runId: newRunId } = await rerunFromFailedStep(user, runId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "workflow_run", target: runId, detail: { rerun: newRunId } });
      revalidatePath("/runs");
      redirect(`/runs/${newRunId}`);
    },
    [RerunError],
  );
}
