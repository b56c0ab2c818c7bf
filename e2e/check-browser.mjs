import { findChromium, MISSING_CHROMIUM } from "./support/browser.mjs";

if (!findChromium()) {
  console.error(MISSING_CHROMIUM);
  process.exit(1);
}
