import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the whole vitest run with TMPDIR pointing at one fresh directory (the workers inherit it),
 * and fails the run if a test file left anything in it: a test's temporary data directory may
 * hold a generated secrets.json, so nothing may stay behind in /tmp.
 */
export default function setup(): () => void {
  // Each project (sqlite, postgres) runs its global setup; the first one makes the directory.
  if (process.env.PATCHBAY_VITEST_TMPDIR) return () => {};
  const root = mkdtempSync(join(tmpdir(), "patchbay-vitest-"));
  process.env.TMPDIR = root;
  process.env.PATCHBAY_VITEST_TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    rmSync(root, { recursive: true, force: true });
    if (left.length === 0) return;
    // Vitest reports an error thrown here but still exits 0, so the exit code is set as well.
    process.exitCode = 1;
    throw new Error(`tests left temporary files behind: ${left.join(", ")}`);
  };
}
