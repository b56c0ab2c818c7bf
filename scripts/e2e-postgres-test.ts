/**
 * npm run test:e2e:pg. The browser specs of people and workspaces (first run, the team of three,
 * account security) again, with the app on PostgreSQL: a throwaway cluster (or TEST_DATABASE_URL)
 * passed to e2e/support/start-app.mjs as E2E_DATABASE_URL. Runs after `npm run test:e2e`, which
 * built the app.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { checkPostgresAvailable, startThrowawayPostgres } from "../tests/support/postgres";

const SPECS = ["e2e/first-run.spec.ts", "e2e/workspace.spec.ts", "e2e/account-security.spec.ts"];

async function main(): Promise<number> {
  checkPostgresAvailable();
  const cluster = await startThrowawayPostgres();
  try {
    const run = spawnSync("npx", ["playwright", "test", ...SPECS], {
      stdio: "inherit",
      env: {
        ...process.env,
        E2E_DATABASE_URL: cluster.url,
        // With PostgreSQL the keys come from the environment, as for any deployment of several processes.
        AUTH_SECRET: randomBytes(32).toString("hex"),
        ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        PLAYWRIGHT_TRANSFORM_CACHE_DIR: "node_modules/.cache/playwright-transform",
      },
    });
    return run.status ?? 1;
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
