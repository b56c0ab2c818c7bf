import { metadataResponse, protectedResourceMetadata } from "@/lib/oauth-server/metadata";
import { preflight } from "@/lib/oauth-server/http";

export const dynamic = "force-dynamic";

export const GET = () => metadataResponse(protectedResourceMetadata());
export const OPTIONS = preflight;
