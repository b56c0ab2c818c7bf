import "server-only";
import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { log } from "@/lib/platform";

export async function checkDatabase(): Promise<"ok" | "unreachable"> {
  try {
    await rows(sql`select 1`);
    return "ok";
  } catch (error) {
    log.error("health check: database unreachable", { error: (error as Error).message });
    return "unreachable";
  }
}
