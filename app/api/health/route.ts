import { checkDatabase } from "@/lib/health";
import { withErrors } from "@/lib/platform/route";
import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (): Promise<Response> => {
  const db = await checkDatabase();
  return Response.json(
    { status: db === "ok" ? "ok" : "degraded", db, version: packageJson.version },
    { status: db === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
