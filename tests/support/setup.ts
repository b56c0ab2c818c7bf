import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, vi } from "vitest";

/**
 * Every test file gets its own temporary directory, its data directory and SQLite file, so files
 * run in parallel safely. Other scratch directories a test needs go inside it (tests/support/scratch.ts),
 * so removing it after the file leaves nothing behind in /tmp.
 */
const root = mkdtempSync(join(tmpdir(), "patchbay-test-"));
process.env.PATCHBAY_TEST_ROOT = root;
process.env.DATA_DIR = root;
process.env.DATABASE_URL = `file:${join(root, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.AUTH_SECRET ??= "test-auth-secret-that-is-long-enough-0123456789";
process.env.APP_URL ??= "http://localhost:3000";

/**
 * Route handlers and server actions read the request's cookies (the workspace the person looks at)
 * through next/headers, which answers only inside a request Next serves; tests call them directly,
 * so `cookies()` answers the jar in tests/support/request-cookies.ts.
 */
vi.mock("next/headers", async (importOriginal) => {
  const cookieJar = await import("./request-cookies");
  return { ...(await importOriginal<typeof import("next/headers")>()), cookies: async () => cookieJar.requestCookies };
});
afterEach(async () => (await import("./request-cookies")).clearRequestCookies());

afterAll(async () => {
  // Only a file that opened the database has one to close; importing db/client just to find out is slow.
  if ((globalThis as { __patchbayDb?: unknown }).__patchbayDb) {
    const { closeDatabase } = await import("@/db/client");
    await closeDatabase();
  }
  rmSync(root, { recursive: true, force: true });
});
