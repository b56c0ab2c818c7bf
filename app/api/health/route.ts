import { checkDatabase } from "@/lib/server/health";
import { withErrors } from "@/lib/auth/route";
import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (): Promise<Response> => {
  const db = await checkDatabase();
  return Response.json(
    { status: db === "ok" ? "ok" : "degraded", db, version: packageJson.version },
    { status: db === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
