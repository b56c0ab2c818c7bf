import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { automationDefinition } from "@/lib/automations/definition";
import { previewAutomation } from "@/lib/automations/check";
import { lastStepOutputs } from "@/lib/automations/run-queries";
import { deliveryScope } from "@/lib/automations/runs";
import { ApiError } from "@/lib/platform/errors";
import { describeIssues } from "@/lib/platform/issues";
import { readDeliveryForAutomations } from "@/lib/webhooks/webhook-trigger";

const previewRequest = z.object({
  definition: z.unknown(),
  automationId: z.string().max(100).optional(),
  sample: z.object({ deliveryId: z.number().int().positive().optional(), input: z.record(z.string(), z.unknown()).optional() }).default({}),
});

/**
 * What the editor shows as a person types: each step's mapped input for a sample (a past delivery,
 * or a manual input), checked against the step's schema. Nothing is called and nothing is stored.
 */
export const POST = withUser(async (request, _context, user) => {
  const body = previewRequest.safeParse(await request.json().catch(() => undefined));
  if (!body.success) throw new ApiError("invalid_request", describeIssues(body.error, "body"));
  const definition = automationDefinition.safeParse(body.data.definition);
  if (!definition.success) return Response.json({ problems: describeIssues(definition.error, "automation") });
  let base = {};
  if (body.data.sample.deliveryId !== undefined) {
    const found = await readDeliveryForAutomations(user.workspaceId, body.data.sample.deliveryId);
    if (!found) throw new ApiError("not_found", `There is no delivery #${body.data.sample.deliveryId} with a payload in this workspace.`);
    base = deliveryScope(found.scope);
  } else if (body.data.sample.input) base = { input: body.data.sample.input };
  const earlier = body.data.automationId ? await lastStepOutputs(user.workspaceId, body.data.automationId) : {};
  return Response.json(await previewAutomation(user.workspaceId, definition.data, base, earlier));
});
