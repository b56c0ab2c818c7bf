import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { importError, readImportBody } from "@/lib/openapi/http";
import { previewImport } from "@/lib/openapi/preview";
import { specSourceSchema } from "@/lib/openapi/store";

const previewRequest = z.object({ source: specSourceSchema });

/** Reads a description and answers what saving it would create, or its problems with their locations. Stores nothing. */
export const POST = withUser(
  async (request, _context, user) => {
    const { source } = await readImportBody(request, previewRequest);
    try {
      return Response.json(await previewImport(user.workspaceId, source));
    } catch (error) {
      throw importError(error);
    }
  },
  { role: "admin" },
);
