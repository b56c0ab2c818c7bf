import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The suites that also run on PostgreSQL: the data layer first; more join as their modules are ported. */
const postgresSuites = [
  "tests/unit/db-transaction.test.ts",
  "tests/unit/db-coordination.test.ts",
  "tests/unit/webhook-intake.test.ts",
  "tests/unit/webhook-dispatcher.test.ts",
  "tests/unit/webhook-queries.test.ts",
  "tests/unit/retention.test.ts",
  "tests/unit/webhook-endpoints.test.ts",
  "tests/unit/webhook-fast-path.test.ts",
  "tests/unit/hostile-webhooks.test.ts",
  "tests/unit/outbox.test.ts",
  "tests/unit/outbox-crash.test.ts",
  "tests/unit/queue.test.ts",
  "tests/unit/attention.test.ts",
  "tests/unit/overview.test.ts",
  "tests/unit/webhook-registration.test.ts",
  "tests/unit/webhook-trigger.test.ts",
  // Not tests/unit/group-commit.test.ts: SQLite's group commit (db/group-commit.ts); intake on PostgreSQL does not use it.
  "tests/unit/connection-store.test.ts",
  "tests/unit/oauth-flow.test.ts",
  "tests/unit/users.test.ts",
  "tests/unit/password.test.ts",
  "tests/unit/session-guard.test.ts",
  "tests/unit/connection-routes.test.ts",
  "tests/unit/connection-routes-errors.test.ts",
  "tests/unit/disconnect-rfc7009.test.ts",
  "tests/unit/access-tokens.test.ts",
  "tests/unit/mcp-oauth.test.ts",
  "tests/unit/oauth-registration.test.ts",
  "tests/unit/runs.test.ts",
  "tests/unit/workflows.test.ts",
  "tests/unit/tools.test.ts",
  "tests/unit/agent.test.ts",
  "tests/unit/crypto.test.ts",
  "tests/unit/secrets-at-rest.test.ts",
  "tests/unit/run-history-secrets.test.ts",
  "tests/unit/openapi.test.ts",
  "tests/unit/shared-rate-limit.test.ts",
  "tests/unit/interrupted-runs.test.ts",
  "tests/unit/instance-keys.test.ts",
];

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
        // The same files again on a real PostgreSQL (a throwaway cluster, or TEST_DATABASE_URL).
        extends: true,
        test: {
          name: "postgres",
          include: postgresSuites,
          setupFiles: ["tests/support/setup.ts", "tests/support/setup-postgres.ts"],
          globalSetup: ["tests/support/global-setup.ts", "tests/support/postgres-global.ts"],
        },
      },
    ],
  },
});
