"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { RerunError, rerunFromFailedStep } from "@/lib/runs/workflow-runs";

export type RerunState = { error?: string } | undefined;

export async function rerunFromFailedStepAction(_previous: RerunState, form: FormData): Promise<RerunState> {
  const user = await requireUser();
  const runId = z.string().min(1).max(100).safeParse(form.get("runId"));
  if (!runId.success) return { error: "There is no such run." };
  let newRunId: string;
  try {
    newRunId = (await rerunFromFailedStep(user.id, runId.data)).runId;
  } catch (error) {
    if (error instanceof RerunError) return { error: error.message };
    throw error;
  }
  revalidatePath("/runs");
  redirect(`/runs/${newRunId}`);
}
