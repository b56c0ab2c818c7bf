import { mkdtempSync } from "node:fs";
import { join } from "node:path";

/** A fresh directory inside this test file's temporary root, which tests/support/setup.ts removes after the file. */
export function scratchDir(prefix: string): string {
  const root = process.env.PATCHBAY_TEST_ROOT;
  if (!root) throw new Error("PATCHBAY_TEST_ROOT is unset: tests/support/setup.ts did not run");
  return mkdtempSync(join(root, prefix));
}
