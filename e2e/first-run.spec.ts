import { expect, test, type Page } from "@playwright/test";
import { owner } from "./support/accounts";

/**
 * Submits a server-action form and waits until React has applied the answer: the form resets (to
 * the values the action sent back) in the same render that gives the button back its label, which
 * can come after the response itself; a field filled before that render would be reset.
 */
async function submitAndWait(page: Page, button: string): Promise<void> {
  const answered = page.waitForResponse((response) => response.request().method() === "POST");
  await page.getByRole("button", { name: button, exact: true }).click();
  await answered;
  await expect(page.getByRole("button", { name: button, exact: true })).toBeEnabled();
}

test("first run: create the owner, sign out, protected pages redirect, generic error, sign in again", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/);
  await expect(page.getByRole("heading", { name: "Create the owner account" })).toBeVisible();

  await page.getByLabel("Name").fill(owner.name);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill("short");
  await submitAndWait(page, "Create owner account");
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();

  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${owner.name}` })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(owner.name);
  // A newcomer: the overview offers the first steps, and claims nothing about connections that do not exist.
  const firstSteps = page.getByRole("list", { name: "Getting started" });
  await expect(firstSteps).toContainText("Receive a webhook (to do)");
  await expect(firstSteps).toContainText("Run a tool or a workflow (to do)");
  await expect(firstSteps.getByRole("link", { name: "Open Webhooks" })).toHaveAttribute("href", "/webhooks");
  await expect(page.getByTestId("all-clear")).toHaveText("Nothing failed in the last 24 hours. Nothing is connected yet.");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Overview", "Connections", "Webhooks", "Tools", "Workflows", "People", "Audit log"]) {
    await expect(nav.getByRole("link", { name: section })).toBeVisible();
  }

  await nav.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.goto("/connections");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fconnections$/);
  const api = await page.request.get("/api/me");
  expect(api.status()).toBe(401);

  for (const email of [owner.email, "nobody@patchbay.test"]) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await submitAndWait(page, "Sign in");
    await expect(page.locator("form [role=alert]")).toHaveText("The email or password is incorrect.");
  }

  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();
  expect((await page.request.get("/api/me")).status()).toBe(200);
});
