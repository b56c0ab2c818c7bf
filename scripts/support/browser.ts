/**
 * The multi-process test's person in a browser (Playwright's library, not its test runner): the
 * Chromium the e2e tests use (e2e/support/browser.mjs), the first-run form that creates the owner,
 * the sign-in form, connecting GitHub through the fake's consent page, and watching the webhook
 * log for a delivery to appear live. Bounded waits throughout.
 */
import { chromium, type Browser, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../../e2e/support/browser.mjs";

export type Account = { name: string; email: string; password: string };

const STEP_TIMEOUT_MS = 20_000;

/** Launches the e2e tests' Chromium (check findChromium() first: without one this throws). */
export function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if (!found) throw new Error("no Chromium");
  return chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, timeout: 60_000 });
}

async function openPage(browser: Browser, appUrl: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: appUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return page;
}

/** First run: the sign-in page offers to create the owner account; creating it signs in (that context is then closed). */
export async function createOwner(browser: Browser, appUrl: string, account: Account): Promise<void> {
  const page = await openPage(browser, appUrl);
  try {
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Create the owner account" }).waitFor();
    await page.getByLabel("Name").fill(account.name);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Create owner account" }).click();
    await page.getByTestId("signed-in-user").waitFor();
  } finally {
    await page.context().close();
  }
}

/** A fresh browser context signed in through the sign-in form. */
export async function signIn(browser: Browser, appUrl: string, account: Account): Promise<Page> {
  const page = await openPage(browser, appUrl);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("signed-in-user").waitFor();
  return page;
}

/** Connections, "Connect GitHub", approve on the fake's consent page (as e2e/support/github.ts). */
export async function connectGitHub(page: Page): Promise<void> {
  await page.goto("/connections");
  await page.getByTestId("provider-github").getByRole("link", { name: "Connect GitHub" }).click();
  await page.getByRole("button", { name: "Authorize octocat" }).click();
  await page.locator("main [role=status]").filter({ hasText: "Connected GitHub as @octocat." }).waitFor();
}

/**
 * Opens the webhook log, waits until its stream is live, calls `deliver` (which has another
 * process receive a push for `repository`), and checks that the row appears and then shows
 * "processed" without a reload: a mark set on the page's window before must still be there.
 * Returns the violations (none: it worked).
 */
export async function seesDeliveryLive(page: Page, repository: string, deliver: () => Promise<void>): Promise<string[]> {
  await page.goto("/webhooks");
  await page.getByTestId("live-status").filter({ hasText: "Live" }).waitFor();
  await page.evaluate(() => ((window as unknown as { patchbaySameDocument?: boolean }).patchbaySameDocument = true));
  await deliver();
  const row = page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: repository });
  const violations: string[] = [];
  try {
    await row.waitFor({ timeout: 15_000 });
    await row.getByText("processed").waitFor({ timeout: 15_000 });
  } catch (error) {
    violations.push(
      `the webhook log on process 1 did not show the delivery process 3 received, processed, within 15 s: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!(await page.evaluate(() => (window as unknown as { patchbaySameDocument?: boolean }).patchbaySameDocument === true))) {
    violations.push("the webhook log page reloaded instead of updating live");
  }
  return violations;
}
