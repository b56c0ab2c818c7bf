import { authenticateBearer } from "@/lib/mcp/auth/bearer";
import { serveMcp } from "@/lib/mcp/server";
import { corsHeaders, preflight } from "@/lib/mcp/auth/http";

export const dynamic = "force-dynamic";

/** The MCP endpoint (Streamable HTTP): a bearer token names the person whose tools are served. */
async function handle(request: Request): Promise<Response> {
  const auth = await authenticateBearer(request);
  const response = "response" in auth ? auth.response : await serveMcp(request, auth.identity);
  for (const [name, value] of Object.entries(corsHeaders)) response.headers.set(name, value);
  return response;
}

export const GET = handle;
export const POST = handle;
export const DELETE = handle;
export const OPTIONS = preflight;
