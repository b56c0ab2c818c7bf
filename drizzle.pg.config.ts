import { defineConfig } from "drizzle-kit";

/** PostgreSQL (DATABASE_URL=postgres://...): its own schema and migrations; drizzle.config.ts is SQLite's. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema-pg/index.ts",
  out: "./db/migrations-pg",
});
