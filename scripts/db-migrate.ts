/** npm run db:migrate: applies pending migrations to DATABASE_URL (the server also does this at start-up). */
import { closeDatabase, databaseReady, usingPostgres } from "@/db/client";
import { backgroundRebuildEnded } from "@/db/postgres";
import { env } from "@/lib/platform/env";

await databaseReady();
// A search index rebuild the migrations left for the background (PostgreSQL, a large log) ends before this command does.
await backgroundRebuildEnded();
await closeDatabase();
console.log(`migrations applied to ${usingPostgres() ? "the PostgreSQL database of DATABASE_URL" : env().DATABASE_PATH}`);
