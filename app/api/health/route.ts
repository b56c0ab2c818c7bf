import { checkDatabase } from "@/lib/server/health";
import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const db = await checkDatabase();
  return Response.json(
    { status: db === "ok" ? "ok" : "degraded", db, version: packageJson.version },
    { status: db === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
