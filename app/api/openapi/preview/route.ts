import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { IMPORT_BODY_TYPES, importError, readImportBody } from "@/lib/openapi/http";
import { previewImport } from "@/lib/openapi/preview";
import { apiNameSchema, specSourceSchema } from "@/lib/openapi/import-request";
import { env } from "@/lib/platform";
import { collectGarbageSoon } from "@/lib/platform/collect-garbage";
import { withApiSecurityHeaders } from "@/lib/platform/security-headers";

const previewRequest = z.object({ source: specSourceSchema, name: apiNameSchema.optional() });

/** Reads a description and answers what saving it would create, or its problems with their locations. Stores nothing. */
const preview = withUser(
  async (request, _context, user) => {
    const { source, name } = await readImportBody(request, previewRequest);
    try {
      return Response.json(await previewImport(user.workspaceId, source, name));
    } catch (error) {
      throw importError(error);
    }
  },
  { accepts: IMPORT_BODY_TYPES, role: "admin" },
);

// Outside the proxy (proxy.ts), which would buffer the upload and cut it at 10 MB: the headers it gives every answer are put on here.
export async function POST(request: Request, context: { params: Promise<object> }): Promise<Response> {
  try {
    return withApiSecurityHeaders(await preview(request, context), { https: new URL(env().APP_URL).protocol === "https:" });
  } finally {
    // The description's copies (tens of MB) are garbage once this answers: collected now, not whenever V8 next needs room.
    collectGarbageSoon();
  }
}
