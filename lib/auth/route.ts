import { unstable_rethrow } from "next/navigation";
import { errorResponse } from "@/lib/platform";

/**
 * The route wrapper: whatever the handler throws is answered here, once, by errorResponse. Next's
 * own signals (a redirect, a bail-out from static rendering) are not errors and pass through.
 * `withUser` builds on it; the OAuth endpoints and MCP answer in their own formats and do not use it.
 *
 * Apart from errors.ts because next/navigation cannot load outside Next (server.ts loads webhook
 * intake, which renders ApiErrors, before and beside Next).
 */
export function withErrors<Args extends unknown[]>(handler: (...args: Args) => Promise<Response> | Response): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      unstable_rethrow(error);
      return errorResponse(error);
    }
  };
}
