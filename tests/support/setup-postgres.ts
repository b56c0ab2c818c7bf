import { afterAll, inject } from "vitest";
import { freshDatabase } from "./postgres";

/**
 * Runs after tests/support/setup.ts in the postgres project: points DATABASE_URL at a database
 * of this file's own, copied from the migrated template, and drops it afterwards.
 */
const database = await freshDatabase(inject("postgresServerUrl"), inject("postgresTemplate"));
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  // The relay's LISTEN connection first: left open, it would reconnect to the dropped database.
  const { stopNoticeRelay } = await import("@/db/notifications");
  await stopNoticeRelay();
  // And the liveness lock's connection, which would reconnect too.
  const { releaseInstance } = await import("@/db/instance");
  await releaseInstance();
  const { closeDatabase } = await import("@/db/client");
  await closeDatabase();
  await database.stop();
}, 30_000);
