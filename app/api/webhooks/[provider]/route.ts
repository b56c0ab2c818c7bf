import { withErrors } from "@/lib/auth/route";
import { methodNotAllowed, receiveGet, receiveWebhook } from "@/lib/webhooks/intake";

type Context = { params: Promise<{ provider: string }> };

/** Instance-wide intake, signed with the secret from the environment (GITHUB_WEBHOOK_SECRET, ...). */
export const POST = withErrors(async (request: Request, { params }: Context): Promise<Response> => {
  const { provider } = await params;
  return receiveWebhook(request, provider);
});

/** Refused, except Dropbox's URL check (GET ?challenge=...), answered with the challenge. */
export const GET = withErrors(async (request: Request, { params }: Context): Promise<Response> => receiveGet(request, (await params).provider));
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
