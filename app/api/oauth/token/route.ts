import { corsHeaders, oauthError, preflight, readSmallBody } from "@/lib/mcp/auth/http";
import { exchangeCode } from "@/lib/mcp/auth/token";

/** The token endpoint: form-encoded authorization_code + PKCE grant from a public client. */
export async function POST(request: Request): Promise<Response> {
  if (!request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "Send the token request as application/x-www-form-urlencoded.");
  }
  const text = await readSmallBody(request);
  if (text === undefined) return oauthError(413, "invalid_request", "The token request is too large.");
  const result = await exchangeCode(new URLSearchParams(text));
  if (!result.ok) return oauthError(result.status, result.error, result.description);
  return Response.json(result.body, { headers: { ...corsHeaders, "Cache-Control": "no-store", Pragma: "no-cache" } });
}

export const OPTIONS = preflight;
