import "server-only";
import { db } from "@/db/client";
import { env, EnvError } from "./env";
import { log } from "./log";

export function startServer(): void {
  try {
    const config = env();
    db();
    log.info(`ready: database ${config.DATABASE_PATH} migrated, public URL ${config.APP_URL}`);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`patchbay: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
