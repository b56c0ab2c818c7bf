import "server-only";
import { accessTokenScopes } from "@/db/schema";
import { env } from "@/lib/platform";
import { corsHeaders } from "./http";

/** The MCP endpoint, as the resource identifier clients name in `resource` (RFC 8707). */
export function mcpResourceUrl(): string {
  return `${env().APP_URL}/api/mcp`;
}

/** Where the MCP endpoint's protected resource metadata lives (RFC 9728, path-suffixed form). */
export function protectedResourceMetadataUrl(): string {
  return `${env().APP_URL}/.well-known/oauth-protected-resource/api/mcp`;
}

/** RFC 9728: what the MCP endpoint is and which authorization server issues its tokens. */
export function protectedResourceMetadata() {
  return {
    resource: mcpResourceUrl(),
    resource_name: "Patchbay",
    authorization_servers: [env().APP_URL],
    scopes_supported: [...accessTokenScopes],
    bearer_methods_supported: ["header"],
  };
}

/** RFC 8414: Patchbay as an authorization server for MCP clients (public clients, code + PKCE S256). */
export function authorizationServerMetadata() {
  const issuer = env().APP_URL;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/api/oauth/token`,
    registration_endpoint: `${issuer}/api/oauth/register`,
    scopes_supported: [...accessTokenScopes],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code"],
    token_endpoint_auth_methods_supported: ["none"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
  };
}

/** Metadata documents are public and cacheable for a little while. */
export function metadataResponse(body: object): Response {
  return Response.json(body, { headers: { ...corsHeaders, "Cache-Control": "public, max-age=300" } });
}
