import type { TestProject } from "vitest/node";
import { freshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    postgresServerUrl: string;
    postgresTemplate: string;
  }
}

/**
 * The postgres project's global setup: one throwaway cluster (or TEST_DATABASE_URL) for the run,
 * and a template database with db/migrations-pg applied, which each test file copies
 * (tests/support/setup-postgres.ts) so files run in parallel on databases of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster: ThrowawayPostgres = await startThrowawayPostgres();
  let template: ThrowawayPostgres | undefined;
  try {
    template = await freshDatabase(cluster.url);
    // Not through process.env: the workers of both projects are forked from this process and inherit it.
    const { migratePostgres, openPostgres } = await import("../../db/postgres");
    const database = openPostgres(template.url, 1);
    try {
      await migratePostgres(database);
    } finally {
      await database.$client.end();
    }
  } catch (error) {
    await template?.stop();
    await cluster.stop();
    throw error;
  }
  project.provide("postgresServerUrl", cluster.url);
  project.provide("postgresTemplate", new URL(template.url).pathname.slice(1));
  return async () => {
    await template.stop();
    await cluster.stop();
  };
}
