import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { pushPayload } from "../tests/support/signers";
import { startReceiver, type Receiver } from "../tests/support/receiver";
import { signIn } from "./support/accounts";

const SECRET = "e2e-github-webhook-secret";
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

async function sendPush(page: Page, body: string, delivery: string) {
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": await sign(SECRET, body) },
  });
  expect(response.status()).toBe(202);
}

test("verified deliveries are forwarded, re-signed, shown per destination on the delivery page, and sent again on request", async ({ page }) => {
  await page.goto("/webhooks/settings");
  await expect(page.getByTestId("retention-note")).toContainText("kept for 30 days");
  await page.getByRole("link", { name: "Forward deliveries to your own services" }).click();
  await page.getByLabel("Deliveries of").selectOption({ label: "GitHub (instance URL)" });
  await page.getByLabel("Destination URL").fill(`${receiver.url}/github`);
  await page.getByLabel("Only these events (optional)").fill("push");
  await page.getByRole("button", { name: "Add destination" }).click();
  receiver.secret = (await page.getByTestId("new-secret").textContent())!.trim();
  expect(receiver.secret).toMatch(/^whsec_/);
  await expect(page.getByRole("list", { name: "Destinations" })).toContainText(`${receiver.url}/github`);

  const delivery = `e2e-forward-${Date.now()}`;
  await sendPush(page, pushPayload({ repository: "octocat/forwarded" }), delivery);
  await expect.poll(() => receiver.received.length).toBe(1);
  expect(receiver.received[0]!.verified).toBe(true);
  expect(receiver.received[0]!.headers["patchbay-delivery-id"]).toBe(delivery);

  await page.goto("/webhooks?q=octocat/forwarded");
  await page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: "octocat/forwarded" }).getByRole("link").first().click();
  const forwards = page.getByRole("list", { name: "Forwards" });
  await expect(forwards).toContainText("delivered");
  await expect(forwards.getByRole("list", { name: "Forward attempts" })).toContainText("answered 204");
  await forwards.getByRole("button", { name: "Send again" }).click();
  await expect(page.getByText("Queued: it will be sent again with the same webhook-id.")).toBeVisible();
  await expect.poll(() => receiver.received.length).toBe(2);
  expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id);

  // Leave the shared owner account as it was for the other specs.
  await page.goto("/webhooks/forwarding");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("list", { name: "Destinations" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No destinations yet.")).toBeVisible();
});

test("a delivery that fails for good opens an issue: on the overview, sent signed to the chosen URL, gone once resolved", async ({ page }) => {
  await page.goto("/alerts");
  await page.getByLabel("Kind").selectOption("webhook");
  await page.getByLabel("URL or channel").fill(`${receiver.url}/alerts`);
  await page.getByRole("button", { name: "Add channel" }).click();
  receiver.secret = (await page.getByTestId("new-secret").textContent())!.trim();
  await expect(page.getByRole("list", { name: "Alert channels" })).toContainText(`${receiver.url}/alerts`);

  // Signed, but not a push payload: the workflow can never take it, so it fails at once.
  await sendPush(page, JSON.stringify({ zen: "Not a push at all." }), `e2e-alert-${Date.now()}`);
  // The shipped automation's own failure is an issue too ("automation_failed"), sent as well unless an earlier spec left it open.
  const deliveryFailed = () => receiver.received.find((message) => (JSON.parse(message.body) as { data?: { kind?: string } }).data?.kind === "delivery_failed");
  await expect.poll(() => deliveryFailed() !== undefined, { timeout: 15_000 }).toBe(true);
  const message = deliveryFailed()!;
  const sent = JSON.parse(message.body) as { type: string; data: { kind: string; url: string } };
  expect(message.verified).toBe(true);
  // Opened, or reopened when an earlier spec saw (and resolved) the same cause.
  expect(sent).toMatchObject({ type: expect.stringMatching(/^issue\.(re)?opened$/), data: { kind: "delivery_failed" } });

  await page.goto("/");
  const attention = page.getByRole("list", { name: "Open issues" });
  const item = attention.getByRole("listitem").filter({ hasText: "github push deliveries fail for good" }).first();
  await expect(item).toBeVisible();
  await expect(item.getByRole("link")).toHaveAttribute("href", new URL(sent.data.url).pathname);
  const before = await attention.getByRole("listitem").count();
  await item.getByRole("button", { name: "Resolve" }).click();
  if (before === 1) await expect(attention).toHaveCount(0);
  else await expect(attention.getByRole("listitem")).toHaveCount(before - 1);

  await page.goto("/alerts");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("list", { name: "Alert channels" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("list", { name: "Alert channels" })).toHaveCount(0);
});
