import { z } from "zod";

/**
 * An automation as data: a trigger and steps in order, each step's input written as an expression
 * (JSONata, lib/automations/expressions.ts) over the run's scope:
 *
 *   { payload, headers, event, action, delivery, input, schedule, steps: { <step key>: output } }
 *
 * This is the JSON people export, keep in git and import again. Client-safe: imports zod only.
 */

const expression = z.string().trim().min(1, "Write an expression.").max(20_000, "An expression may be at most 20,000 characters.");
const stepKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "A step key is lowercase letters, digits and _, starting with a letter (at most 40).")
  .describe("How later steps refer to this step's output: steps.<key>");

export const deliveryTrigger = z.object({
  kind: z.literal("delivery"),
  /** The webhook source: github, stripe, slack, ... */
  providerId: z.string().min(1).max(64),
  /** Only deliveries to this endpoint (its id); absent: the instance-wide URL and every endpoint of the source. */
  endpointId: z
    .string()
    .regex(/^we_[a-z0-9]{16,32}$/, "An endpoint id looks like we_ followed by letters and digits.")
    .optional(),
  /** "push", or "issues.labeled" (event.action); absent or "*": every event. */
  event: z.string().max(200).optional(),
  /** Runs only when this expression is true for the delivery. */
  filter: expression.optional(),
});

export const scheduleTrigger = z.object({
  kind: z.literal("schedule"),
  /** Five fields (minute hour day-of-month month day-of-week), as cron writes them. */
  cron: z.string().trim().min(9).max(120),
  /** An IANA time zone, e.g. Europe/Berlin; the cron is read in it. */
  timezone: z.string().min(1).max(64).default("UTC"),
});

export const manualField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "A field name is letters, digits and _, starting with a letter."),
  type: z.enum(["string", "number", "boolean"]).default("string"),
  required: z.boolean().default(false),
  description: z.string().max(200).optional(),
});

export const manualTrigger = z.object({
  kind: z.literal("manual"),
  /** The form a person fills in to start it; its values are `input` in expressions. */
  fields: z.array(manualField).max(30).default([]),
});

export const trigger = z.discriminatedUnion("kind", [deliveryTrigger, scheduleTrigger, manualTrigger]);

const stepBase = { key: stepKey, name: z.string().max(120).optional() };

export const toolStep = z.object({
  ...stepBase,
  kind: z.literal("tool"),
  toolId: z.string().min(1).max(200),
  /** Provider id -> connection id (the author's own or a shared one); absent: the author's, then a shared one. */
  accounts: z.record(z.string(), z.string()).optional(),
  /** Evaluates to the tool's input object. */
  input: expression,
});

export const workflowStep = z.object({
  ...stepBase,
  kind: z.literal("workflow"),
  workflowId: z.string().min(1).max(200),
  input: expression,
});

export const forwardStep = z.object({
  ...stepBase,
  kind: z.literal("forward"),
  url: z.string().url().max(2000),
  /** Evaluates to the JSON body sent; absent: the delivery's payload. */
  body: expression.optional(),
});

export const conditionStep = z.object({
  ...stepBase,
  kind: z.literal("condition"),
  /** When this is false the run stops here (succeeded), or only the next step is skipped. */
  when: expression,
  otherwise: z.enum(["stop", "skip-next"]).default("stop"),
});

export const agentStep = z.object({
  ...stepBase,
  kind: z.literal("agent"),
  /** Evaluates to the message the agent is given. */
  prompt: expression,
  /** The tools it may use; writes among them wait for approval unless listed in `approvedTools`. */
  tools: z.array(z.string().min(1).max(200)).max(20).default([]),
  approvedTools: z.array(z.string().min(1).max(200)).max(20).default([]),
});

export const step = z.discriminatedUnion("kind", [toolStep, workflowStep, forwardStep, conditionStep, agentStep]);

export const automationDefinition = z
  .object({
    trigger,
    steps: z.array(step).min(1, "Add at least one step.").max(20, "An automation has at most 20 steps."),
  })
  .superRefine((definition, context) => {
    const seen = new Set<string>();
    for (const [position, candidate] of definition.steps.entries()) {
      if (seen.has(candidate.key)) context.addIssue({ code: "custom", path: ["steps", position, "key"], message: `Two steps are named "${candidate.key}".` });
      seen.add(candidate.key);
    }
  });

/** The file people export and import: name and definition. */
export const automationFile = z.object({
  name: z.string().trim().min(1, "Give it a name.").max(120),
  definition: automationDefinition,
});

export type AutomationDefinition = z.infer<typeof automationDefinition>;
export type AutomationStep = z.infer<typeof step>;
export type AutomationTrigger = z.infer<typeof trigger>;
export type DeliveryTrigger = z.infer<typeof deliveryTrigger>;
export type StepKind = AutomationStep["kind"];

/** The field of a step that holds its expression (a forward's body may be absent: the payload is sent). */
export function stepExpressionField(step: AutomationStep): "input" | "body" | "when" | "prompt" {
  switch (step.kind) {
    case "tool":
    case "workflow":
      return "input";
    case "forward":
      return "body";
    case "condition":
      return "when";
    case "agent":
      return "prompt";
  }
}

/** A step's expression, or undefined for a forward that sends the payload as it came. */
export function stepExpression(step: AutomationStep): string | undefined {
  return (step as Record<string, unknown>)[stepExpressionField(step)] as string | undefined;
}

/** The expressions of a definition with where they sit, for checking them all before saving. */
export function expressionsOf(definition: AutomationDefinition): { path: string; expression: string }[] {
  const found: { path: string; expression: string }[] = [];
  if (definition.trigger.kind === "delivery" && definition.trigger.filter) found.push({ path: "trigger.filter", expression: definition.trigger.filter });
  for (const [position, candidate] of definition.steps.entries()) {
    const expression = stepExpression(candidate);
    if (expression) found.push({ path: `steps.${position}.${stepExpressionField(candidate)}`, expression });
  }
  return found;
}
