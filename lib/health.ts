import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { log } from "./log";

export function checkDatabase(): "ok" | "unreachable" {
  try {
    db().get(sql`select 1`);
    return "ok";
  } catch (error) {
    log.error("health check: database unreachable", { error: (error as Error).message });
    return "unreachable";
  }
}
