import { actorOf, audit } from "@/lib/auth/audit";
import { withUser } from "@/lib/auth/session";
import { IMPORT_BODY_TYPES, importError, readImportBody } from "@/lib/openapi/http";
import { importRequestSchema } from "@/lib/openapi/import-request";
import { saveImport } from "@/lib/openapi/store";
import { env } from "@/lib/platform";
import { collectGarbageSoon } from "@/lib/platform/collect-garbage";
import { withApiSecurityHeaders } from "@/lib/platform/security-headers";

/** Saves an imported API (replacing an earlier import under the same name): one tool per operation. */
const save = withUser(
  async (request, _context, user) => {
    const body = await readImportBody(request, importRequestSchema);
    try {
      const spec = await saveImport(user.workspaceId, body);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "api_imported",
        target: spec.slug,
        detail: { operations: spec.operationCount },
      });
      return Response.json({ id: spec.id, slug: spec.slug, title: spec.title, operationCount: spec.operationCount }, { status: 201 });
    } catch (error) {
      throw importError(error);
    }
  },
  { accepts: IMPORT_BODY_TYPES, role: "admin" },
);

// Outside the proxy (proxy.ts), which would buffer the upload and cut it at 10 MB: the headers it gives every answer are put on here.
export async function POST(request: Request, context: { params: Promise<object> }): Promise<Response> {
  try {
    return withApiSecurityHeaders(await save(request, context), { https: new URL(env().APP_URL).protocol === "https:" });
  } finally {
    // The description's copies (tens of MB) are garbage once this answers: collected now, not whenever V8 next needs room.
    collectGarbageSoon();
  }
}
