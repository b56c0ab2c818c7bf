import { clientAddress } from "@/lib/auth/sign-in";
import { clientInformation, registerClient } from "@/lib/mcp/auth/clients";
import { corsHeaders, oauthError, preflight, readSmallBody } from "@/lib/mcp/auth/http";

/** Ten redirect URIs of 512 characters and a name fit with room to spare. */
const MAX_REGISTRATION_BYTES = 8 * 1024;

/** Dynamic client registration (RFC 7591): public, as MCP clients register before anyone signs in. */
export async function POST(request: Request): Promise<Response> {
  const text = await readSmallBody(request, MAX_REGISTRATION_BYTES);
  if (text === undefined) return oauthError(413, "invalid_client_metadata", `The registration request is larger than ${MAX_REGISTRATION_BYTES / 1024} KB.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return oauthError(400, "invalid_client_metadata", "Send the client metadata as a JSON object.");
  }
  const result = await registerClient(body, { address: clientAddress(request) });
  if (!result.ok) return oauthError(result.status, result.error, result.description, "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined);
  return Response.json(clientInformation(result.client), { status: 201, headers: { ...corsHeaders, "Cache-Control": "no-store" } });
}

export const OPTIONS = preflight;
