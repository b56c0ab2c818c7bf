import { authorizationServerMetadata, metadataResponse } from "@/lib/mcp/auth/metadata";
import { preflight } from "@/lib/mcp/auth/http";

export const dynamic = "force-dynamic";

export const GET = () => metadataResponse(authorizationServerMetadata());
export const OPTIONS = preflight;
