import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      // "server-only" throws outside React Server Components; tests run that code directly.
      "server-only": fileURLToPath(new URL("./tests/support/empty.ts", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    // next-auth imports "next/server" without an extension, which only a bundler resolves.
    server: { deps: { inline: ["next-auth"] } },
    pool: "forks",
    // Vitest's default is one worker less than the cores: one on a two-core machine. The files spend
    // much of their time waiting on disk flushes, child processes and PostgreSQL, so two share two
    // cores well (the full run: 573 s with one, 373 s with two).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: ["tests/**/*.test.ts"], setupFiles: ["tests/support/setup.ts"], globalSetup: ["tests/support/global-setup.ts"] },
      },
      {
        // The suites named *.pg.test.ts again on a real PostgreSQL (a throwaway cluster, or
        // TEST_DATABASE_URL). A suffix rather than a list or a folder, so a suite keeps its place in
        // both projects wherever it moves. Not group-commit.test.ts: SQLite's group commit
        // (db/group-commit.ts); intake on PostgreSQL does not use it.
        extends: true,
        test: {
          name: "postgres",
          include: ["tests/**/*.pg.test.ts"],
          setupFiles: ["tests/support/setup.ts", "tests/support/setup-postgres.ts"],
          globalSetup: ["tests/support/global-setup.ts", "tests/support/postgres-global.ts"],
        },
      },
    ],
  },
});
