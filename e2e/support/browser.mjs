// Finds the Chromium the browser tests drive: PLAYWRIGHT_CHROMIUM_PATH, then Debian's
// /usr/bin/chromium, then Playwright's own download. Plain JS so both the Playwright config and
// the pre-flight check (e2e/check-browser.mjs) use the same rule.
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export function findChromium() {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : undefined;
  if (existsSync("/usr/bin/chromium")) return { path: "/usr/bin/chromium" };
  const bundled = chromium.executablePath();
  return bundled && existsSync(bundled) ? { path: undefined } : undefined;
}

/** How the tests launch it: no sandbox (containers, root), and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--disable-gpu",
  "--no-first-run",
];

export const MISSING_CHROMIUM =
  "Chromium not found: install it with `apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set PLAYWRIGHT_CHROMIUM_PATH.";
