/** npm run db:migrate: applies pending migrations to DATABASE_URL (the server also does this at start-up). */
import { closeDatabase, db } from "@/db/client";
import { env } from "@/lib/env";

db();
closeDatabase();
console.log(`migrations applied to ${env().DATABASE_PATH}`);
