import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { atLeast, roleIn } from "@/lib/auth";
import { type CatalogTool, userIdFrom, workspaceIdFrom } from "@/lib/tools";
import { AutomationRunError, startAutomationRun } from "./queued-runs";
import { listAutomations } from "./store";

/**
 * Automations as tools, beside the others in the catalog (lib/catalog), so the agent and MCP
 * clients see them like any tool: one lists the workspace's automations (reads), one starts a
 * manual one with its input (writes: the agent asks first, a read token does not see it). Their
 * calls are tool runs like any other.
 */
const failed = z.object({ success: z.literal(false), error: z.string() });

const listAutomationsTool = createTool({
  id: "automations-list",
  description: "List this workspace's automations: id, name, whether enabled, what triggers it, the input fields of manual ones, and run counts.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    success: z.literal(true),
    automations: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        enabled: z.boolean(),
        trigger: z.string(),
        fields: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean() })).optional(),
        runs: z.object({ total: z.number(), succeeded: z.number(), failed: z.number() }),
      }),
    ),
  }),
  execute: async (_input, context) => {
    const automations = await listAutomations(workspaceIdFrom(context?.requestContext));
    return {
      success: true as const,
      automations: automations.map((automation) => ({
        id: automation.id,
        name: automation.name,
        enabled: automation.enabled,
        trigger: automation.definition.trigger.kind,
        fields: automation.definition.trigger.kind === "manual" ? automation.definition.trigger.fields : undefined,
        runs: { total: automation.runs.total, succeeded: automation.runs.succeeded, failed: automation.runs.failed },
      })),
    };
  },
});

const startAutomationTool = createTool({
  id: "automations-start",
  description:
    "Start an automation whose trigger is 'by hand' (by its id or exact name), with values for its input fields. Answers the run's id and page; it runs in the background.",
  inputSchema: z.object({
    automation: z.string().min(1).describe("The automation's id or its exact name"),
    input: z.record(z.string(), z.unknown()).default({}).describe("Values for its input fields, by name"),
  }),
  outputSchema: z.union([z.object({ success: z.literal(true), runId: z.string(), page: z.string() }), failed]),
  execute: async (input, context) => {
    const actor = { userId: userIdFrom(context?.requestContext), workspaceId: workspaceIdFrom(context?.requestContext) };
    const role = await roleIn(actor.userId, actor.workspaceId);
    if (!role || !atLeast(role, "member")) return { success: false as const, error: "Only members and above can start automations." };
    const automation = (await listAutomations(actor.workspaceId)).find((candidate) => candidate.id === input.automation || candidate.name === input.automation);
    if (!automation) return { success: false as const, error: `There is no automation "${input.automation}". List them first.` };
    if (automation.definition.trigger.kind !== "manual")
      return { success: false as const, error: `"${automation.name}" is not started by hand; its trigger is a ${automation.definition.trigger.kind}.` };
    try {
      const run = await startAutomationRun(actor, automation.id, { input: input.input });
      return { success: true as const, runId: run.id, page: `/automations/${automation.id}/runs/${run.id}` };
    } catch (error) {
      if (error instanceof AutomationRunError) return { success: false as const, error: error.message };
      throw error;
    }
  },
});

export const automationCatalogTools: CatalogTool[] = [
  { tool: listAutomationsTool, group: "Automations", access: "read" },
  { tool: startAutomationTool, group: "Automations", access: "write" },
];
