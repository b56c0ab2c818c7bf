import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Every test file gets its own data directory and SQLite file, so files run in parallel safely. */
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-test-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.AUTH_SECRET ??= "test-auth-secret-that-is-long-enough-0123456789";
process.env.APP_URL ??= "http://localhost:3000";

afterAll(async () => {
  const { closeDatabase } = await import("@/db/client");
  closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});
