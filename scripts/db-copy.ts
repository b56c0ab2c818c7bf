/**
 * npm run db:copy -- <sqlite file>: copies every row of a SQLite install into the empty PostgreSQL
 * database of DATABASE_URL (migrating it first). Stop the server first; start it on PostgreSQL
 * afterwards with the same ENCRYPTION_KEY (and AUTH_SECRET), since sealed secrets move as they are.
 */
import { copySqliteToPostgres } from "@/db/copy";
import { isPostgresUrl } from "@/lib/platform/dialect";

const from = process.argv[2]?.replace(/^file:/, "");
const to = process.env.DATABASE_URL;
if (!from || !isPostgresUrl(to)) {
  console.error("usage: DATABASE_URL=postgres://... npm run db:copy -- ./data/patchbay.db");
  process.exit(2);
}
try {
  const report = await copySqliteToPostgres(from, to, (line) => console.log(line));
  console.log(`copied ${report.reduce((sum, entry) => sum + entry.rows, 0)} rows in ${report.length} tables`);
} catch (error) {
  console.error(`patchbay: db:copy failed: ${(error as Error).message}`);
  process.exit(1);
}
