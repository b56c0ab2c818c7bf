import "server-only";
import { findUserTool, toolInputSchema } from "@/lib/tools";
import { findWorkflow } from "@/lib/mastra";
import { describeIssues, formatIssues } from "@/lib/platform";
import { type AutomationDefinition, automationFile, expressionsOf, stepExpression } from "./definition";
import { evaluateExpression, expressionSyntaxError, passes } from "./expressions";
import type { RunScope } from "./execute";
import { cronProblem } from "./schedule-time";

export type Problem = { path: string; message: string };

/**
 * Everything wrong with an automation before it is saved: its shape, each expression's syntax,
 * tools and workflows that do not exist in this workspace, a schedule that cannot be read.
 */
export async function checkAutomation(
  workspaceId: string,
  file: unknown,
): Promise<{ ok: true; name: string; definition: AutomationDefinition } | { ok: false; problems: Problem[] }> {
  const parsed = automationFile.safeParse(file);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error).map((issue) => ({ path: issue.path, message: issue.message })) };
  const { definition } = parsed.data;
  const problems: Problem[] = [];
  for (const { path, expression } of expressionsOf(definition)) {
    const syntax = expressionSyntaxError(expression);
    if (syntax) problems.push({ path, message: syntax });
  }
  if (definition.trigger.kind === "schedule") {
    const problem = cronProblem(definition.trigger.cron, definition.trigger.timezone);
    if (problem) problems.push({ path: "trigger.cron", message: problem });
  }
  for (const [position, step] of definition.steps.entries()) {
    if (step.kind === "tool" && !(await findUserTool(workspaceId, step.toolId)))
      problems.push({ path: `steps.${position}.toolId`, message: `There is no tool "${step.toolId}" in this workspace.` });
    if (step.kind === "workflow" && !findWorkflow(step.workflowId))
      problems.push({ path: `steps.${position}.workflowId`, message: `There is no workflow "${step.workflowId}".` });
    if (step.kind === "agent")
      for (const toolId of step.tools)
        if (!(await findUserTool(workspaceId, toolId)))
          problems.push({ path: `steps.${position}.tools`, message: `There is no tool "${toolId}" in this workspace.` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, ...parsed.data };
}

export type StepPreview = { key: string; input?: unknown; error?: string; problems?: string[] };
export type Preview = { filter?: { passes: boolean } | { error: string }; steps: StepPreview[] };

/**
 * What each step's mapping gives for a sample (a past delivery, a manual input), as the editor
 * shows it while a person types, checked against the step's input schema. Nothing is called: a
 * later step sees the earlier steps' outputs from `earlierOutputs` (the last run's), else null.
 */
export async function previewAutomation(
  workspaceId: string,
  definition: AutomationDefinition,
  base: Omit<RunScope, "steps">,
  earlierOutputs: Record<string, unknown> = {},
): Promise<Preview> {
  const scope: RunScope = { ...base, steps: {} };
  const preview: Preview = { steps: [] };
  if (definition.trigger.kind === "delivery" && definition.trigger.filter) {
    try {
      preview.filter = { passes: passes(await evaluateExpression(definition.trigger.filter, scope, "the filter")) };
    } catch (error) {
      preview.filter = { error: (error as Error).message };
    }
  }
  for (const step of definition.steps) {
    const expression = stepExpression(step);
    const entry: StepPreview = { key: step.key };
    if (expression) {
      try {
        entry.input = await evaluateExpression(expression, scope, `step ${step.key}`);
        const schema =
          step.kind === "tool"
            ? await findUserTool(workspaceId, step.toolId).then((tool) => (tool ? toolInputSchema(tool) : undefined))
            : step.kind === "workflow"
              ? findWorkflow(step.workflowId)?.inputSchema
              : undefined;
        const checked = schema?.safeParse(entry.input ?? {});
        if (checked && !checked.success) entry.problems = [describeIssues(checked.error, "input")];
      } catch (error) {
        entry.error = (error as Error).message;
      }
    } else if (step.kind === "forward") entry.input = base.payload ?? null;
    preview.steps.push(entry);
    scope.steps[step.key] = earlierOutputs[step.key] ?? null;
  }
  return preview;
}
