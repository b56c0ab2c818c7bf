import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";

// Saved views and export of the log (issue 25 item 14), and the small things of item 13.
test.describe.configure({ mode: "serial" });

const SECRET = "e2e-github-webhook-secret";
const run = Date.now().toString(36);
const REPOSITORY = `octocat/views-${run}`;

async function sendIssue(page: Page, index: number) {
  const body = JSON.stringify({ action: "opened", issue: { number: index, title: `Issue ${index}` }, repository: { full_name: REPOSITORY } });
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": `views-${run}-${index}`,
      "x-hub-signature-256": await sign(SECRET, body),
    },
  });
  expect(response.status()).toBe(202);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("save the filtered log as a view, open it again, delete it; export what is filtered as CSV and JSON", async ({ page }) => {
  for (let index = 0; index < 3; index++) await sendIssue(page, index);
  const query = `event=issues&q=${encodeURIComponent(REPOSITORY)}`;
  await page.goto(`/webhooks?${query}`);
  await page.getByRole("button", { name: "Save this view" }).click();
  await page.getByLabel("View name").fill(`Issues ${run}`);
  await page.getByRole("button", { name: "Save view" }).click();
  await expect(page.getByText(`Saved the view “Issues ${run}”.`)).toBeVisible();
  const views = page.getByRole("list", { name: "Saved views" });
  await expect(views.getByRole("link", { name: `Issues ${run}` })).toHaveAttribute("aria-current", "true");

  await page.goto("/webhooks");
  await views.getByRole("link", { name: `Issues ${run}` }).click();
  await expect(page).toHaveURL(new RegExp(`/webhooks\\?${query.replace(/[?.*+%]/g, "\\$&")}$`));
  await expect(page.getByRole("table", { name: "Deliveries" }).getByRole("row")).toHaveCount(4);

  const csv = await page.request.get(`/api/deliveries/export?format=csv&${query}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="deliveries-.+\.csv"$/);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(/^id,receivedAt,service,event,action,repository,deliveryId/);
  expect(lines).toHaveLength(4);
  const json = (await (await page.request.get(`/api/deliveries/export?format=json&${query}`)).json()) as { repository: string }[];
  expect(json.map((row) => row.repository)).toEqual([REPOSITORY, REPOSITORY, REPOSITORY]);
  // The page's own export links carry the filters.
  await expect(page.getByRole("link", { name: "CSV", exact: true })).toHaveAttribute("href", `/api/deliveries/export?format=csv&${query}`);

  await views.getByRole("button", { name: `Delete the view Issues ${run}` }).click();
  await expect(page.getByText("View deleted.")).toBeVisible();
  await expect(views.getByRole("link", { name: `Issues ${run}` })).toHaveCount(0);
});

test("small things: Escape closes the phone menu, a 404 page with a way back, the curl block takes focus, no third-party images", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/webhooks");
  const menu = page.getByRole("button", { name: "Menu" });
  await menu.click();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  await page.setViewportSize({ width: 1280, height: 800 });
  const missing = await page.goto("/webhooks/no-such-thing-here");
  expect(missing!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page could not be found." })).toBeVisible();
  await page.getByRole("link", { name: "Back to the overview" }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto(`/webhooks?q=${encodeURIComponent(REPOSITORY)}`);
  await page.getByRole("table", { name: "Deliveries" }).getByRole("row").nth(1).getByRole("link").click();
  const curl = page.getByRole("region", { name: "curl command" });
  await curl.focus();
  await expect(curl).toBeFocused();

  await page.goto("/connections");
  const sources = await page.locator("img").evaluateAll((images) => images.map((image) => (image as HTMLImageElement).getAttribute("src") ?? ""));
  expect(sources.filter((source) => !source.startsWith("/") && !source.startsWith("data:"))).toEqual([]);
});
