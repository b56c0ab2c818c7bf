import "server-only";
import { z } from "zod";
import { roleIn, atLeast } from "@/lib/auth";
import type { Actor } from "@/lib/platform";
import { AutomationRunError, startAutomationRun } from "./runs";
import { listAutomations } from "./store";

/**
 * Automations as an MCP client or the agent sees them: one tool lists them, one starts a manual
 * one (write scope, and a member's role). Each answers plain JSON.
 */
export type AutomationTool = {
  name: string;
  description: string;
  inputSchema: z.ZodType;
  writes: boolean;
  call(actor: Actor, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
};

const startInput = z.object({
  automation: z.string().min(1).describe("The automation's id or its exact name"),
  input: z.record(z.string(), z.unknown()).default({}).describe("Values for its input form (by field name)"),
});

export const automationTools: AutomationTool[] = [
  {
    name: "patchbay_list_automations",
    description: "List this workspace's automations: id, name, whether enabled, what triggers it, and for manual ones the input fields.",
    inputSchema: z.object({}),
    writes: false,
    async call(actor) {
      const automations = await listAutomations(actor.workspaceId);
      return {
        ok: true,
        value: automations.map((automation) => ({
          id: automation.id,
          name: automation.name,
          enabled: automation.enabled,
          trigger: automation.definition.trigger.kind,
          fields: automation.definition.trigger.kind === "manual" ? automation.definition.trigger.fields : undefined,
          runs: automation.runs,
        })),
      };
    },
  },
  {
    name: "patchbay_start_automation",
    description: "Start an automation whose trigger is 'by hand', with values for its input fields. Answers the run's id; it runs in the background.",
    inputSchema: startInput,
    writes: true,
    async call(actor, raw) {
      const parsed = startInput.safeParse(raw ?? {});
      if (!parsed.success) return { ok: false, error: parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ") };
      const role = await roleIn(actor.userId, actor.workspaceId);
      if (!role || !atLeast(role, "member")) return { ok: false, error: "Only members and above can start automations." };
      const automations = await listAutomations(actor.workspaceId);
      const automation = automations.find((candidate) => candidate.id === parsed.data.automation || candidate.name === parsed.data.automation);
      if (!automation) return { ok: false, error: `There is no automation "${parsed.data.automation}". List them first.` };
      if (automation.definition.trigger.kind !== "manual")
        return { ok: false, error: `"${automation.name}" is not started by hand; its trigger is a ${automation.definition.trigger.kind}.` };
      try {
        const run = await startAutomationRun(actor, automation.id, { input: parsed.data.input });
        return { ok: true, value: { runId: run.id, status: run.status, page: `/automations/${automation.id}/runs/${run.id}` } };
      } catch (error) {
        if (error instanceof AutomationRunError) return { ok: false, error: error.message };
        throw error;
      }
    },
  },
];
