import { withErrors } from "@/lib/auth/route";
import { methodNotAllowed, receiveGet, receiveWebhook } from "@/lib/webhooks/intake";

type Context = { params: Promise<{ provider: string; endpointId: string }> };

/** Intake for an endpoint created in the UI or by registration, signed with that endpoint's own secret. */
export const POST = withErrors(async (request: Request, { params }: Context): Promise<Response> => {
  const { provider, endpointId } = await params;
  return receiveWebhook(request, provider, endpointId);
});

/** Refused, except Dropbox's URL check (GET ?challenge=...), answered with the challenge. */
export const GET = withErrors(async (request: Request, { params }: Context): Promise<Response> => receiveGet(request, (await params).provider));
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
