import { mkdirSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { pushPayload } from "../tests/support/signers";
import { signIn } from "./support/accounts";
import { ensureGitHubConnected } from "./support/github";

test.describe.configure({ mode: "serial" });

const SECRET = "e2e-github-webhook-secret";
const run = Date.now().toString(36);
const widths = [1280, 390] as const;
const SCREENSHOTS = "test-results/screenshots";

async function deliver(page: Page, event: string, body: string, delivery = `dash-${run}-${crypto.randomUUID()}`) {
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": delivery, "x-hub-signature-256": await sign(SECRET, body) },
  });
  expect(response.status()).toBe(202);
  return delivery;
}

/** A pull request on a repository the fake GitHub does not have: triage-pull-request fails with a 404, so the delivery is retried. */
const failingPullRequest = (repository: string) =>
  JSON.stringify({ action: "opened", number: 7, pull_request: { number: 7, title: "Broken" }, repository: { full_name: repository } });

const deliveries = (page: Page) => page.getByRole("table", { name: "Deliveries" });
const filterBar = (page: Page) => page.getByRole("search", { name: "Filter deliveries" });

async function expectNoHorizontalOverflow(page: Page, what: string) {
  const size = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(size.scrollWidth, `${what} is ${size.scrollWidth}px wide in a ${size.innerWidth}px window`).toBeLessThanOrEqual(size.innerWidth);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a failing handler shows retrying with its attempt and next time; retry now, cancel retries, then replay the failed one after an in-page confirmation", async ({
  page,
}) => {
  await ensureGitHubConnected(page);
  const repository = `octocat/missing-${run}`;
  await deliver(page, "pull_request", failingPullRequest(repository));

  await page.goto("/webhooks?status=retrying");
  const row = deliveries(page).getByRole("row").filter({ hasText: repository });
  // The first retry comes after about 5 s and fails too; the next is minutes away.
  await expect(row.getByTestId("delivery-status")).toContainText(/retrying \(attempt 2, next at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/, { timeout: 20_000 });
  await expect(row).toContainText(/GitHub: GET \/repos\/\S+ answered 404/);

  await row.getByRole("link").first().click();
  await page.getByRole("button", { name: "Retry now" }).click();
  await expect(page.getByTestId("delivery-status")).toContainText("retrying (attempt 3, next at");
  await expect(page.getByRole("list", { name: "Attempts", exact: true }).getByRole("listitem")).toHaveCount(3);

  await page.getByRole("button", { name: "Cancel retries" }).click();
  await expect(page.getByTestId("delivery-status")).toHaveText("failed");
  await expect(page.getByRole("button", { name: "Retry now" })).toHaveCount(0);

  await page.goto(`/webhooks?q=${encodeURIComponent(repository)}`);
  await expect(deliveries(page).getByRole("row").filter({ hasText: repository }).getByTestId("delivery-status")).toHaveText("failed");
  await page.getByRole("button", { name: "Replay 1 failed…" }).click();
  const confirm = page.getByRole("form", { name: "Confirm replay" });
  await expect(confirm).toContainText("Replay 1 failed delivery matching these filters?");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole("button", { name: "Replay 1 failed…" }).click();
  await confirm.getByRole("button", { name: "Replay 1 failed delivery" }).click();
  await expect(page.getByText("1 failed delivery queued for replay.")).toBeVisible();
  // Nothing in this search failed any more, so the button is gone.
  await expect(page.getByRole("button", { name: /Replay \d+ failed/ })).toHaveCount(0);
});

test("filters apply as they change and search ids, repositories and payload text in any case", async ({ page }) => {
  const repository = `octocat/Search-${run}`;
  const needle = `Needle${run}`;
  const delivery = await deliver(page, "push", pushPayload({ repository, message: `Fixes the ${needle} in the parser` }));
  await page.goto("/webhooks");
  await expect(page.getByRole("button", { name: "Filter", exact: true })).toHaveCount(0);
  await expect(deliveries(page).getByRole("row").filter({ hasText: repository }).getByTestId("delivery-status")).toHaveText("processed");

  const search = filterBar(page).getByRole("searchbox");
  await search.fill(`search-${run}`); // a repository substring, other case
  await expect(page).toHaveURL(new RegExp(`/webhooks\\?q=search-${run}$`));
  await expect(deliveries(page).getByRole("row")).toHaveCount(2);

  await search.fill(needle.toLowerCase()); // text inside the payload
  await expect(page).toHaveURL(new RegExp(`q=${needle.toLowerCase()}$`));
  await expect(deliveries(page).getByRole("row").filter({ hasText: repository })).toHaveCount(1);

  await search.fill(delivery.slice(0, 20).toUpperCase()); // a delivery id prefix
  await expect(deliveries(page).getByRole("row").filter({ hasText: repository })).toHaveCount(1);

  await search.fill("");
  await filterBar(page).getByLabel("Status").selectOption("processed");
  await expect(page).toHaveURL(/\/webhooks\?status=processed$/);
  await filterBar(page).getByLabel("Status").selectOption("");
  await expect(page).toHaveURL(/\/webhooks$/); // no empty parameters left behind

  await deliver(page, "pull_request", failingPullRequest(`octocat/event-${run}`));
  await filterBar(page).getByLabel("Event").fill("pull_request.opened");
  await expect(page).toHaveURL(/event=pull_request\.opened/);
  await expect(
    deliveries(page)
      .getByRole("row")
      .filter({ hasText: `octocat/event-${run}` }),
  ).toHaveCount(1);
  await expect(deliveries(page).getByRole("row").filter({ hasText: repository })).toHaveCount(0);
  await page.getByRole("link", { name: "Clear all filters" }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(filterBar(page).getByLabel("Event")).toHaveValue("");
});

test("the chart's range is 1 h, 24 h or 7 d and a bar lists that hour's deliveries", async ({ page }) => {
  await deliver(page, "push", pushPayload({ repository: `octocat/chart-${run}` }));
  await page.goto("/webhooks");
  const ranges = page.getByRole("navigation", { name: "Time range" });
  await ranges.getByRole("link", { name: "7 d" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByRole("figure")).toHaveAccessibleName(/last 7 days/i);
  await ranges.getByRole("link", { name: "1 h" }).click();
  await expect(page).toHaveURL(/range=1h/);
  await ranges.getByRole("link", { name: "24 h" }).click();
  await expect(page).toHaveURL(/range=24h/);

  const bars = page.getByRole("figure").getByRole("link", { name: /UTC: \d+ deliveries/ });
  await expect(bars).toHaveCount(24);
  await bars.last().click(); // the current hour
  await expect(page).toHaveURL(/from=\d+&to=\d+/);
  await expect(page.getByText(/^Received .* to .*UTC/)).toBeVisible();
  await expect(
    deliveries(page)
      .getByRole("row")
      .filter({ hasText: `octocat/chart-${run}` }),
  ).toHaveCount(1);
  const { from, to } = Object.fromEntries(new URL(page.url()).searchParams) as { from: string; to: string };
  expect(Number(to) - Number(from)).toBe(3_600_000);
});

test("pagination goes past the first page and back", async ({ page }) => {
  const repository = `octocat/pages-${run}`;
  for (let index = 0; index < 53; index++) await deliver(page, "push", pushPayload({ repository, commits: 1 }));
  await page.goto(`/webhooks?q=${encodeURIComponent(repository)}`);
  await expect(deliveries(page).getByRole("row")).toHaveCount(51);
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(deliveries(page).getByRole("row")).toHaveCount(4);
  await expect(page.getByRole("link", { name: "Older →" })).toHaveCount(0);
  await page.getByRole("link", { name: "Newest", exact: true }).click();
  await expect(deliveries(page).getByRole("row")).toHaveCount(51);
});

test("the overview counts the last 24 hours and links each figure to its filtered view", async ({ page }) => {
  await page.goto("/");
  const figures = page.getByRole("region", { name: "Last 24 hours" });
  const received = figures.getByRole("link", { name: /^Deliveries \(24 h\): \d+/ });
  await expect(received).toBeVisible();
  expect(Number((await received.getAttribute("aria-label"))!.match(/: (\d+)/)![1])).toBeGreaterThan(50);
  await expect(figures.getByRole("link", { name: /^Runs failed \(24 h\)/ })).toHaveAttribute("href", "/runs?status=failed");
  await expect(figures.getByRole("link", { name: /^Connections needing you/ })).toHaveAttribute("href", "/connections");
  await expect(figures.getByRole("link", { name: /^Open issues/ })).toHaveAttribute("href", "/alerts");
  // The pull request of the first test was replayed and failed again: it is retrying now.
  await expect(page.getByRole("list", { name: "In the last 24 hours" })).toContainText("retrying");
  await figures.getByRole("link", { name: /^Retrying: [1-9]/ }).click();
  await expect(page).toHaveURL(/\/webhooks\?status=retrying$/);
  await expect(filterBar(page).getByLabel("Status")).toHaveValue("retrying");
  await expect(deliveries(page).getByTestId("delivery-status").first()).toContainText("retrying (attempt");
});

test("every page fits 1280 and 390 px wide, the phone menu lists every section, and screenshots are saved", async ({ page }) => {
  test.setTimeout(180_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await ensureGitHubConnected(page);
  // A tool run to look at, at both widths (its result lives in the page, so it is taken here).
  await page.goto("/tools/github-create-issue");
  await page.getByLabel("Owner", { exact: true }).fill("octocat");
  await page.getByLabel("Repo", { exact: true }).fill("hello-world");
  await page.getByLabel("Title", { exact: true }).fill(`Layout check ${run}`);
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  for (const width of widths) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await expectNoHorizontalOverflow(page, `a tool run at ${width}`);
    await page.screenshot({ path: `${SCREENSHOTS}/tool-run-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  const pages = new Set([
    "/",
    "/connections",
    "/webhooks",
    "/webhooks/endpoints",
    "/webhooks/settings",
    "/tools",
    "/tools/github-create-issue",
    "/tools/import",
    "/workflows",
    "/users",
  ]);
  await page.goto("/webhooks");
  pages.add((await deliveries(page).getByRole("link").first().getAttribute("href"))!);
  await page.goto("/workflows");
  const workflow = await page.locator("main a[href^='/workflows/']").first().getAttribute("href");
  if (workflow) pages.add(workflow);
  const workflowRun = await page
    .locator("main a[href^='/runs/']")
    .first()
    .getAttribute("href", { timeout: 1000 })
    .catch(() => null);
  if (workflowRun) pages.add(workflowRun);
  await page.goto("/tools");
  const api = await page
    .locator("main a[href^='/tools/apis/']")
    .first()
    .getAttribute("href", { timeout: 1000 })
    .catch(() => null);
  if (api) pages.add(api);

  const shots: Record<string, string> = { "/": "overview", "/connections": "connections", "/webhooks": "webhooks" };
  for (const width of widths) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    for (const path of pages) {
      await page.goto(path);
      await expect(page.locator("main h1")).toBeVisible();
      await expectNoHorizontalOverflow(page, `${path} at ${width}`);
      const name = shots[path];
      if (name) await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
    }
    // "Sign out" stays on one line.
    if (width === 390) await page.getByRole("button", { name: "Menu" }).click();
    const signOut = page.getByRole("button", { name: "Sign out" });
    expect((await signOut.boundingBox())!.height).toBeLessThan(40);
  }

  // On a phone every section is one tap away.
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  for (const section of ["Overview", "Connections", "Webhooks", "Tools", "Workflows", "People", "Audit log"])
    await expect(nav.getByRole("link", { name: section })).toBeVisible();
  await nav.getByRole("link", { name: "Workflows" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(nav).toBeHidden();

  // At 1280 the sidebar's background reaches the bottom of a long page.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/webhooks");
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
  const aside = await page.locator("aside").boundingBox();
  const pageHeight = await page.evaluate(() => document.scrollingElement!.scrollHeight);
  expect(aside!.height).toBeGreaterThanOrEqual(pageHeight - 1);
});
