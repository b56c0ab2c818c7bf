// Totals the vitest and Playwright JSON reports. The last line is exactly "N passed, N failed";
// any skipped count and any explanation go on the lines before it.
// Usage: node .ci/summarize.mjs [exit status of the test command]
import { existsSync, readFileSync } from "node:fs";

function read(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

const status = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = read("test-results/vitest.json");
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}
const playwright = read("test-results/playwright.json");
if (playwright?.stats) {
  passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
  failed += playwright.stats.unexpected ?? 0;
  skipped += playwright.stats.skipped ?? 0;
}

// A failed run with no failed test stopped outside the tests: count that stop as one failure
// rather than print "0 failed" for a run that did not pass.
if (status !== 0 && failed === 0) {
  failed = 1;
  if (!vitest && !playwright) console.log("stopped before the tests: lint, typecheck or install failed (no test report)");
  else if (!vitest) console.log("the unit tests wrote no report");
  else if (!playwright?.stats) console.log("stopped before the browser tests: no Chromium, the build or the server failed (no Playwright report)");
  else console.log(`the test command failed (exit status ${status}) although no test failed`);
}
if (skipped) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
