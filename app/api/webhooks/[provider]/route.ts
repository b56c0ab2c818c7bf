import { withErrors } from "@/lib/auth/route";
import { methodNotAllowed, receiveWebhook } from "@/lib/webhooks/intake";

type Context = { params: Promise<{ provider: string }> };

/** Instance-wide intake, signed with the secret from the environment (GITHUB_WEBHOOK_SECRET, ...). */
export const POST = withErrors(async (request: Request, { params }: Context): Promise<Response> => {
  const { provider } = await params;
  return receiveWebhook(request, provider);
});

export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
