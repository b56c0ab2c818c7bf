import "server-only";
import { readCapped } from "@/lib/http";

/**
 * The OAuth endpoints are called by MCP clients, some of them running in a browser (the MCP
 * Inspector), so they answer CORS; they carry no cookies, so this opens nothing to other sites.
 */
export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID",
  "Access-Control-Expose-Headers": "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version",
};

export function preflight(): Response {
  return new Response(null, { status: 204, headers: { ...corsHeaders, "Access-Control-Max-Age": "600" } });
}

/** An OAuth error body (RFC 6749 §5.2), never cached; with Retry-After when the caller should come back later. */
export function oauthError(status: number, error: string, description: string, retryAfterSeconds?: number): Response {
  const headers: Record<string, string> = { ...corsHeaders, "Cache-Control": "no-store" };
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  return Response.json({ error, error_description: description }, { status, headers });
}

/** Reads a small request body, stopping as soon as it passes the cap; OAuth requests are a few hundred bytes. */
export async function readSmallBody(request: Request, maxBytes = 16 * 1024): Promise<string | undefined> {
  const read = await readCapped(request.body, { maxBytes, declared: request.headers.get("content-length") });
  return read.ok ? read.body.toString("utf8") : undefined;
}
