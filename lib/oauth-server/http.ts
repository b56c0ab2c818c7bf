import "server-only";

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

/** An OAuth error body (RFC 6749 §5.2), never cached. */
export function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status, headers: { ...corsHeaders, "Cache-Control": "no-store" } });
}

/** Reads a small request body; OAuth requests are a few hundred bytes. */
export async function readSmallBody(request: Request, maxBytes = 16 * 1024): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return undefined;
  const text = await request.text();
  return Buffer.byteLength(text) > maxBytes ? undefined : text;
}
