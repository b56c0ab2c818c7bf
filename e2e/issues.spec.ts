import { mkdirSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../tests/support/receiver";
import { signIn } from "./support/accounts";

/** Issue 25, item 3: failures grouped by cause into issues, Resolve / Ignore / Mute, a channel told once per opening. */

const SECRET = "e2e-github-webhook-secret";
const SCREENSHOTS = "test-results/screenshots";
const TITLE = "github push deliveries fail for good";
let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});
test.beforeEach(async ({ page }) => {
  receiver.received.length = 0;
  await signIn(page);
});

/** Signed, but not a push payload: the workflow can never take it, so it fails for good at once, always with the same error. */
async function sendBrokenPush(page: Page, delivery: string) {
  const body = JSON.stringify({ zen: `Not a push at all (${delivery}).` });
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": await sign(SECRET, body) },
  });
  expect(response.status()).toBe(202);
}

const told = () => receiver.received.map((message) => JSON.parse(message.body) as { type: string; data: { kind: string; id: string; url: string } });
const toldAboutDeliveries = () => told().filter((body) => body.data.kind === "delivery_failed");

async function expectNoHorizontalOverflow(page: Page, what: string) {
  const size = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(size.scrollWidth, `${what} overflows sideways`).toBeLessThanOrEqual(size.innerWidth);
}

test("deliveries failing the same way are one issue, told once; resolved it reopens and is told again; muted it leaves the open list", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/alerts");
  await page.getByLabel("Kind").selectOption("webhook");
  await page.getByLabel("URL or channel").fill(`${receiver.url}/issues`);
  await page.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByText("copy it into the receiver that verifies")).toBeVisible();
  receiver.secret = (await page.getByTestId("new-secret").textContent())!.trim();

  const run = Date.now().toString(36);
  for (let index = 0; index < 4; index++) await sendBrokenPush(page, `e2e-issue-${run}-${index}`);
  await expect.poll(() => toldAboutDeliveries().length, { timeout: 20_000 }).toBe(1);
  expect(receiver.received.every((message) => message.verified)).toBe(true);
  const [first] = toldAboutDeliveries();
  expect(first!.type).toMatch(/^issue\.(opened|reopened)$/);
  const issuePath = new URL(first!.data.url).pathname;
  expect(issuePath).toBe(`/alerts/${first!.data.id}`);

  // One issue for the four deliveries, whatever came before it (an earlier spec may have seen the same cause).
  await expect
    .poll(
      async () => {
        await page.goto(issuePath);
        return page.getByRole("list", { name: "Affected deliveries" }).getByRole("listitem").count();
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId("issue-occurrences")).toHaveText(/^\d+ times$/);
  await page.goto("/alerts");
  await expect(page.getByRole("list", { name: "Open issues" }).getByRole("listitem").filter({ hasText: TITLE })).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Open issues" }).getByRole("listitem").filter({ hasText: TITLE })).toContainText(
    /Seen \d+ times on \d+ deliveries/,
  );
  expect(toldAboutDeliveries()).toHaveLength(1);

  // The overview counts the same open issues as the Alerts page.
  const openCount = Number((await page.getByRole("link", { name: /^Open \(\d+\)$/ }).textContent())!.match(/\d+/)![0]);
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Last 24 hours" }).getByRole("link", { name: new RegExp(`^Open issues: ${openCount}(,|$)`) })).toBeVisible();

  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    for (const [path, name] of [
      ["/alerts", "alerts"],
      [issuePath, "issue"],
    ] as const) {
      await page.goto(path);
      await expect(page.locator("main h1")).toBeVisible();
      await expectNoHorizontalOverflow(page, `${path} at ${width}`);
      await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // Resolved, it leaves the open list; the same failure again opens it and tells the channel once more.
  await page.goto(issuePath);
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByText("Resolved", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
  await page.goto("/alerts?view=resolved");
  await expect(page.getByRole("list", { name: "Resolved issues" }).getByRole("link", { name: TITLE })).toBeVisible();
  await sendBrokenPush(page, `e2e-issue-${run}-again`);
  await expect.poll(() => toldAboutDeliveries().length, { timeout: 20_000 }).toBe(2);
  expect(toldAboutDeliveries()[1]).toMatchObject({ type: "issue.reopened", data: { id: first!.data.id } });
  await page.goto(issuePath);
  await expect(page.locator("main")).toContainText("Reopened");

  // Muted for an hour: out of the open list, in the muted one, and quiet.
  await page.getByLabel("Mute for").selectOption("1");
  await page.getByRole("button", { name: "Mute" }).click();
  await expect(page.getByText(/^Muted for (\d+ h )?\d+ min$/)).toBeVisible();
  await sendBrokenPush(page, `e2e-issue-${run}-muted`);
  await page.goto("/alerts?view=muted");
  await expect(page.getByRole("list", { name: "Muted issues" }).getByRole("link", { name: TITLE })).toBeVisible();
  await page.goto("/alerts");
  await expect(page.getByRole("list", { name: "Open issues" }).getByRole("link", { name: TITLE })).toHaveCount(0);

  // Leave the shared owner account as it was for the other specs: the issue resolved, no channel.
  await page.goto(issuePath);
  await page.getByRole("button", { name: "Reopen" }).click();
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
  expect(toldAboutDeliveries()).toHaveLength(2);
  await page.goto("/alerts");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("list", { name: "Alert channels" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("list", { name: "Alert channels" })).toHaveCount(0);
});
