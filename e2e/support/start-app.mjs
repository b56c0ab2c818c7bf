// Starts the built app as `npm start` does (server.ts) for the browser tests, on its own temporary data directory.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const port = process.env.E2E_PORT;
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-e2e-"));
const child = spawn(
  process.execPath,
  ["node_modules/tsx/dist/cli.mjs", "--max-semi-space-size=16", "--conditions=react-server", "server.ts", "-p", port, "-H", "127.0.0.1"],
  {
    stdio: "inherit",
    // E2E_DATABASE_URL: the same specs on PostgreSQL (scripts/e2e-postgres-test.ts); SQLite in the data directory otherwise.
    // MALLOC_MMAP_THRESHOLD_ and --max-semi-space-size as `npm start` gives them (server.ts says why).
    env: {
      ...process.env,
      MALLOC_MMAP_THRESHOLD_: "65536",
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? `file:${join(dataDir, "patchbay.db")}`,
      NODE_ENV: "production",
    },
  },
);

function stop() {
  child.kill("SIGTERM");
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
child.on("exit", (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
