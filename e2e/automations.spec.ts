import { createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";

const STRIPE_SECRET = "whsec_e2e_stripe_webhook_secret";
const run = Date.now().toString(36);

/** A Stripe event signed the way Stripe signs (t=, v1= HMAC-SHA256 over "t.body"), sent to the instance URL. */
async function sendStripe(page: Page, email: string): Promise<number> {
  const body = JSON.stringify({
    id: `evt_${run}_${Math.random().toString(36).slice(2, 8)}`,
    type: "invoice.payment_failed",
    data: { object: { id: "in_e2e", customer_email: email, amount_due: 4200 } },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", STRIPE_SECRET).update(`${timestamp}.${body}`).digest("hex");
  const response = await page.request.post("/api/webhooks/stripe", {
    data: body,
    headers: { "content-type": "application/json", "stripe-signature": `t=${timestamp},v1=${signature}` },
  });
  expect(response.status()).toBe(202);
  return ((await response.json()) as { id: number }).id;
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("builds Stripe -> Linear + Slack in the editor, sees the mapping for a past delivery, tries it, enables it, and a signed delivery makes one run with its steps", async ({
  page,
}) => {
  const sample = await sendStripe(page, `sample-${run}@example.com`);
  await page.goto("/automations");
  await expect(page.getByRole("table", { name: "Automations" })).toContainText("Process GitHub pushes");
  await page.getByRole("link", { name: "New automation" }).click();

  await page.getByLabel("Name").fill(`Failed payments ${run}`);
  await page.getByLabel("Source").selectOption("stripe");
  await page.getByLabel("Event").fill("invoice.payment_failed");
  await page.getByLabel("Filter (JSONata; runs only when true)").fill("payload.data.object.amount_due > 1000");
  await page.getByLabel("Step 1 key").fill("project");
  await page.getByLabel("Step 1 tool").selectOption("linear-create-project");
  await page.getByLabel("Step 1 input").fill('{"name": "Payment failed: " & payload.data.object.customer_email}');
  await page.getByLabel("Sample", { exact: true }).selectOption(`delivery:${sample}`);
  await expect(page.getByTestId("filter-preview")).toHaveText("The filter passes for this sample: it would run.");
  await expect(page.getByLabel("Mapped input of step 1")).toContainText(`Payment failed: sample-${run}@example.com`);

  // A mistake shows while typing, before saving.
  await page.getByLabel("Step 1 input").fill('{"name": payload.data.object.(');
  await expect(page.getByLabel("Mapped input of step 1")).toContainText("cannot be read");
  await page.getByLabel("Step 1 input").fill('{"name": "Payment failed: " & payload.data.object.customer_email}');

  await page.getByLabel("New step").selectOption("tool");
  await page.getByRole("button", { name: "Add step" }).click();
  await page.getByLabel("Step 2 key").fill("tell_billing");
  await page.getByLabel("Step 2 tool").selectOption("slack-post-message");
  await page
    .getByLabel("Step 2 input")
    .fill('{"channel": "#general", "text": "Payment failed for " & payload.data.object.customer_email & ": " & steps.project.project.url}');
  await expect(page.getByLabel("Mapped input of step 2")).toContainText(`Payment failed for sample-${run}@example.com`);
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page).toHaveURL(/\/automations\/[0-9a-f-]{36}$/);
  await expect(page.getByText("paused", { exact: true })).toBeVisible();
  const automationUrl = page.url();

  // Try it with the past delivery before enabling.
  await page.getByLabel("Delivery to try it with").selectOption(String(sample));
  await page.getByRole("button", { name: "Try with this delivery" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("automation-run-status")).toHaveText("succeeded", { timeout: 20_000 });
  await expect(page.getByTestId("automation-step")).toHaveCount(2);
  await expect(page.getByTestId("automation-step").nth(1)).toContainText("succeeded");

  await page.goto(automationUrl);
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText("Enabled: it runs on its trigger now.")).toBeVisible();

  const delivery = await sendStripe(page, `live-${run}@example.com`);
  await expect(async () => {
    await page.reload();
    await expect(
      page
        .getByRole("table", { name: "Runs of this automation" })
        .getByRole("row")
        .filter({ hasText: `delivery #${delivery}` }),
    ).toContainText("succeeded");
  }).toPass({ timeout: 30_000 });
  const rows = page
    .getByRole("table", { name: "Runs of this automation" })
    .getByRole("row")
    .filter({ hasText: `delivery #${delivery}` });
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link").click();
  await expect(page.getByTestId("automation-step").first()).toContainText("project");
  await expect(page.getByTestId("automation-step").nth(1)).toContainText("tell_billing");
  await expect(page.getByRole("list", { name: "Attempts" }).getByRole("listitem")).toHaveCount(1);

  // The Runs list shows it once, as an automation run.
  await page.goto("/runs?kind=automation");
  await expect(
    page
      .getByTestId("run-row")
      .filter({ hasText: `Failed payments ${run}` })
      .first(),
  ).toContainText("succeeded");
});

test("exports an automation as JSON and imports it again as a paused copy", async ({ page }) => {
  await page.goto("/automations");
  await page.getByRole("link", { name: "Process GitHub pushes" }).click();
  await expect(page).toHaveURL(/\/automations\/[0-9a-f-]{36}$/);
  const exported = await page.request.get(page.url().replace(/\/automations\//, "/api/automations/") + "/export");
  expect(exported.status()).toBe(200);
  const file = (await exported.json()) as { name: string; definition: unknown };
  expect(file.name).toBe("Process GitHub pushes");
  await page.goto("/automations");
  await page.getByLabel("Automation JSON").fill(JSON.stringify({ ...file, name: `Imported ${run}` }));
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page).toHaveURL(/\/automations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: `Imported ${run}` })).toBeVisible();
  await expect(page.getByRole("list", { name: "Versions" })).toContainText("v1");
});
