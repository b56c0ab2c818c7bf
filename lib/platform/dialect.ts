/** The two databases Patchbay runs on; DATABASE_URL decides (lib/platform/env.ts validates it). */
export type DatabaseDialect = "sqlite" | "postgres";

const postgresScheme = /^postgres(ql)?:\/\/./i;

/** A postgres:// or postgresql:// URL; anything else is a SQLite file. */
export function isPostgresUrl(value: string | undefined): value is string {
  return value !== undefined && postgresScheme.test(value) && URL.canParse(value);
}
