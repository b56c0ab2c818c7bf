/** npm run db:migrate: applies pending migrations to DATABASE_URL (the server also does this at start-up). */
import { closeDatabase, databaseReady, usingPostgres } from "@/db/client";
import { env } from "@/lib/platform/env";

await databaseReady();
await closeDatabase();
console.log(`migrations applied to ${usingPostgres() ? "the PostgreSQL database of DATABASE_URL" : env().DATABASE_PATH}`);
