import { actorOf, audit } from "@/lib/auth/audit";
import { withUser } from "@/lib/auth/session";
import { importError, readImportBody } from "@/lib/openapi/http";
import { importRequestSchema, saveImport } from "@/lib/openapi/store";

/** Saves an imported API (replacing an earlier import of the same API): one tool per operation. */
export const POST = withUser(
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
  { role: "admin" },
);
