import { mkdirSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";

// The log at both widths, its sub-pages, the chart that follows the filters, paging and the Event box (issue 25, items 1, 4, 5, 12).
test.describe.configure({ mode: "serial" });

const SECRET = "e2e-github-webhook-secret";
const run = Date.now().toString(36);
const REPOSITORY = `octocat/log-${run}`;
const SCREENSHOTS = "test-results/screenshots";

/** An `issues` delivery (recorded, so processed at once) on this run's repository. */
async function sendIssue(page: Page, action: string, index: number) {
  const body = JSON.stringify({ action, issue: { number: index, title: `Issue ${index}` }, repository: { full_name: REPOSITORY } });
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": `log-${run}-${index}`,
      "x-hub-signature-256": await sign(SECRET, body),
    },
  });
  expect(response.status()).toBe(202);
}

const deliveries = (page: Page) => page.getByRole("table", { name: "Deliveries" });
const search = `q=${encodeURIComponent(REPOSITORY)}`;

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("52 deliveries of this run: the log pages older and newer with a total, and the chart counts what the search matches", async ({ page }) => {
  for (let index = 0; index < 52; index++) await sendIssue(page, index % 4 === 0 ? "labeled" : "opened", index);

  await page.goto(`/webhooks?${search}`);
  await expect(deliveries(page).getByRole("row")).toHaveCount(51); // header + 50
  await expect(page.getByTestId("delivery-total")).toHaveText("50 shown of 52 deliveries matching · 50 a page");
  await expect(page.getByTestId("chart-caption")).toContainText(`All time (chart: last 30 days): 52 deliveries matching search “${REPOSITORY}”`);

  const pages = page.getByRole("navigation", { name: "Pages" });
  await expect(pages.getByRole("link", { name: "← Newer" })).toHaveCount(0);
  await pages.getByRole("link", { name: "Older →" }).click();
  await expect(deliveries(page).getByRole("row")).toHaveCount(3);
  await expect(page.getByTestId("delivery-total")).toHaveText("2 shown of 52 deliveries matching · 50 a page");
  await pages.getByRole("link", { name: "← Newer" }).click();
  await expect(deliveries(page).getByRole("row")).toHaveCount(51);
  await expect(pages.getByRole("link", { name: "← Newer" })).toHaveCount(0);
  await expect(deliveries(page).getByRole("row").nth(1)).toContainText(`log-${run}-51`);

  // The chart follows a filter as well, says which range it shows, and highlights a clicked bar.
  await page.goto(`/webhooks?range=24h&event=issues.labeled&${search}`);
  await expect(page.getByTestId("chart-caption")).toContainText("Last 24 hours: 13 deliveries matching event issues.labeled, search");
  const bar = page
    .locator("figure a[href*='from=']")
    .filter({ has: page.locator("span") })
    .last();
  await bar.click();
  await expect(page).toHaveURL(/from=\d+&to=\d+/);
  const selected = page.locator("figure a[aria-current='true'][data-selected='true']");
  await expect(selected).toHaveCount(1);
  await expect(page.getByTestId("chart-caption")).toContainText("Listing the bar");
  await expect(page.getByTestId("chart-caption")).toContainText("13 deliveries"); // the chart still spans the whole range
});

test("the Event box applies as it is typed and suggests event.action pairs", async ({ page }) => {
  await page.goto(`/webhooks?${search}`);
  await expect(page.locator("datalist#known-events option[value='issues.labeled']")).toHaveCount(1);
  const event = page.getByRole("combobox", { name: "Event" });
  await event.pressSequentially("issues.lab", { delay: 20 });
  await expect(page).toHaveURL(/event=issues\.lab(&|$)/);
  await expect(page.getByTestId("delivery-total")).toHaveText("13 shown of 13 deliveries matching · 50 a page");
  const box = await event.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(200);
});

test("the log fits: status first, no sideways scroll at 1280, stacked rows on a phone", async ({ page }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/webhooks?${search}`);
  await expect(deliveries(page).getByRole("columnheader").first()).toHaveText("Status");
  const fit = await deliveries(page).evaluate((table) => ({ table: table.scrollWidth, card: table.parentElement!.clientWidth }));
  expect(fit.table).toBeLessThanOrEqual(fit.card);
  const row = deliveries(page).getByRole("row").nth(1);
  const status = await row.getByTestId("delivery-status").boundingBox();
  const received = await row.getByRole("link").boundingBox();
  expect(status!.x).toBeLessThan(received!.x);
  await page.screenshot({ path: `${SCREENSHOTS}/webhooks-log-1280.png` });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/webhooks?${search}`);
  const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  const first = page.locator("table[aria-label='Deliveries'] tbody tr").first();
  const block = await first.boundingBox();
  expect(block!.width).toBeLessThanOrEqual(390);
  // Stacked: the status and the event are on separate lines of the same block.
  const statusBox = await first.getByTestId("delivery-status").boundingBox();
  const eventBox = await first.getByText("issues.", { exact: false }).first().boundingBox();
  expect(eventBox!.y).toBeGreaterThan(statusBox!.y);
  await page.screenshot({ path: `${SCREENSHOTS}/webhooks-log-390.png` });
});

test("sub-pages: Events, Endpoints, Forwarding, Settings; Search within 3 Tabs of the content's top", async ({ page }) => {
  await page.goto("/webhooks");
  const sections = page.getByRole("navigation", { name: "Webhooks sections" });
  for (const [name, path] of [
    ["Endpoints", "/webhooks/endpoints"],
    ["Forwarding", "/webhooks/forwarding"],
    ["Settings", "/webhooks/settings"],
    ["Events", "/webhooks"],
  ]) {
    await sections.getByRole("link", { name }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(sections.getByRole("link", { name })).toHaveAttribute("aria-current", "page");
  }
  await expect(page.getByRole("button", { name: "Create endpoint" })).toHaveCount(0); // not on the log any more
  await page.goto("/webhooks/endpoints");
  await expect(page.getByRole("button", { name: "Create endpoint" })).toBeVisible();
  await page.goto("/webhooks/settings");
  await expect(page.getByTestId("retention-note")).toBeVisible();
  await expect(page.getByRole("heading", { name: "What happens to each delivery" })).toBeVisible();

  // From "Skip to content", Search is the second Tab stop (the sections are one stop, moved through with the arrows).
  await page.goto("/webhooks");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  const searchBox = page.getByRole("searchbox", { name: "Search" });
  let presses = 0;
  while (presses < 3 && !(await searchBox.evaluate((element) => element === document.activeElement))) {
    await page.keyboard.press("Tab");
    presses++;
  }
  await expect(searchBox).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(sections.getByRole("link", { name: "Events" })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(sections.getByRole("link", { name: "Endpoints" })).toBeFocused();
});
