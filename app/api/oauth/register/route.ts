import { clientInformation, registerClient } from "@/lib/oauth-server/clients";
import { corsHeaders, oauthError, preflight, readSmallBody } from "@/lib/oauth-server/http";

/** Dynamic client registration (RFC 7591): public, as MCP clients register before anyone signs in. */
export async function POST(request: Request): Promise<Response> {
  const text = await readSmallBody(request);
  if (text === undefined) return oauthError(413, "invalid_client_metadata", "The registration request is too large.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return oauthError(400, "invalid_client_metadata", "Send the client metadata as a JSON object.");
  }
  const result = await registerClient(body);
  if (!result.ok) return oauthError(400, result.error, result.description);
  return Response.json(clientInformation(result.client), { status: 201, headers: { ...corsHeaders, "Cache-Control": "no-store" } });
}

export const OPTIONS = preflight;
