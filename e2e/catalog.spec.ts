import { expect, test } from "@playwright/test";
import { addMember, signIn } from "./support/accounts";

/*
 * Issue 28: the catalog page. Search and categories; "Ready to connect" for a service whose client
 * is set (Asana, played by the configurable OAuth fake), connected through the fake's consent page;
 * "Needs an admin to set a client id" shown to owners only.
 */

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("search and categories narrow the catalog; owners see what needs setting up", async ({ page }) => {
  await page.goto("/catalog");
  await expect(page.getByRole("status")).toHaveText(/^\d+ services$/);
  expect(Number((await page.getByRole("status").textContent())!.split(" ")[0])).toBeGreaterThanOrEqual(40);

  await page.getByRole("searchbox", { name: "Search services" }).fill("jira");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/catalog\?q=jira$/);
  await expect(page.getByRole("status")).toHaveText("1 service matching “jira”");
  const atlassian = page.getByTestId("catalog-atlassian");
  await expect(atlassian.getByText("Needs an admin to set a client id")).toBeVisible();
  await expect(atlassian.getByText("ATLASSIAN_CLIENT_ID")).toBeVisible();
  await expect(atlassian.getByText(/\/api\/connections\/atlassian\/callback$/)).toBeVisible();

  await page.goto("/catalog");
  await page
    .getByRole("navigation", { name: "Categories" })
    .getByRole("link", { name: /^Payments/ })
    .click();
  await expect(page).toHaveURL(/\/catalog\?category=payments$/);
  for (const id of ["stripe", "paddle", "square", "razorpay"]) await expect(page.getByTestId(`catalog-${id}`)).toBeVisible();
  await expect(page.getByTestId("catalog-github")).toHaveCount(0);
  // A brand icon (simple-icons) rather than a monogram.
  await expect(page.getByTestId("catalog-stripe").locator("svg path")).toHaveCount(1);
});

test("Connect Asana from the catalog: approve on the provider's page and come back connected", async ({ page }) => {
  await page.goto("/catalog?q=asana");
  const asana = page.getByTestId("catalog-asana");
  await expect(asana.getByText("Ready to connect")).toBeVisible();
  await asana.getByRole("link", { name: "Connect Asana" }).click();
  await expect(page.getByRole("heading", { name: "Authorize e2e-asana-client" })).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/connections\?connected=/);
  await expect(page.locator("main [role=status], main [role=alert]").first()).toContainText("Connected Asana as Greg Sanchez.");
  await expect(page.getByTestId("provider-asana").getByText("Connected as Greg Sanchez")).toBeVisible();
});

test("a member sees only what they can use: no 'needs an admin' entries", async ({ page, browser }) => {
  const member = { name: "Cat Member", email: `cat-${Date.now()}@patchbay.test`, password: "member password 789" };
  await addMember(page, member);
  const context = await browser.newContext();
  const memberPage = await context.newPage();
  try {
    await signIn(memberPage, member);
    await memberPage.goto("/catalog");
    await expect(memberPage.getByTestId("catalog-asana").getByText("Ready to connect")).toBeVisible();
    await expect(memberPage.getByTestId("catalog-stripe")).toBeVisible();
    await expect(memberPage.getByTestId("catalog-atlassian")).toHaveCount(0);
    await expect(memberPage.getByText("Needs an admin to set a client id")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
