import { metadataResponse, protectedResourceMetadata } from "@/lib/mcp/auth/metadata";
import { preflight } from "@/lib/mcp/auth/http";

export const dynamic = "force-dynamic";

export const GET = () => metadataResponse(protectedResourceMetadata());
export const OPTIONS = preflight;
