import { withUser } from "@/lib/auth/session";
import { exportAutomation, requireAutomation } from "@/lib/automations/store";

type Context = { params: Promise<{ id: string }> };

/** An automation as a JSON file (name and definition), to keep in git and import again. */
export const GET = withUser<Context>(async (_request, { params }, user) => {
  const automation = await requireAutomation(user.workspaceId, (await params).id);
  const slug =
    automation.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "automation";
  return new Response(`${JSON.stringify(exportAutomation(automation), null, 2)}\n`, {
    headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${slug}.automation.json"` },
  });
});
