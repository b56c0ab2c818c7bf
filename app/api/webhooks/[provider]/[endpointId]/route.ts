import { withErrors } from "@/lib/auth/route";
import { methodNotAllowed, receiveWebhook } from "@/lib/webhooks/intake";

type Context = { params: Promise<{ provider: string; endpointId: string }> };

/** Intake for an endpoint created in the UI or by registration, signed with that endpoint's own secret. */
export const POST = withErrors(async (request: Request, { params }: Context): Promise<Response> => {
  const { provider, endpointId } = await params;
  return receiveWebhook(request, provider, endpointId);
});

export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
