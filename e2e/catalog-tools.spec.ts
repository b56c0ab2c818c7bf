import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";

/*
 * Issue 28, "tools in one click": Asana's catalog entry names the OpenAPI description Asana
 * publishes (served here by e2e/fakes/published-descriptions.ts from tests/fixtures/openapi/catalog);
 * "Add tools" imports it with its read operations enabled, bound to the person's own Asana
 * connection (the configurable OAuth fake plays Asana), and a read tool runs as that connection.
 */

test("Add Asana's tools from the catalog, then run one as my Asana connection", async ({ page }) => {
  await signIn(page);
  await page.goto("/connections");
  if ((await page.getByTestId("provider-asana").getByText("Connected as Greg Sanchez").count()) === 0) {
    await page.getByTestId("provider-asana").getByRole("link", { name: "Connect Asana" }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(/\/connections\?connected=/);
  }

  await page.goto("/catalog?q=asana");
  const openapi = page.getByTestId("catalog-asana-openapi");
  await expect(openapi).toContainText("Asana publishes its API description:");
  await expect(openapi.getByRole("link")).toHaveAttribute("href", /\/asana\.yaml$/);
  await openapi.getByRole("button", { name: "Add tools from Asana" }).click();
  await expect(openapi.getByText("Added 4 Asana tools from its OpenAPI description, 2 read tools enabled.")).toBeVisible({ timeout: 60_000 });

  // The API's page: the reads on, the writes off until someone turns them on.
  await openapi.getByRole("link", { name: "Choose tools" }).click();
  await expect(page.getByRole("checkbox", { name: "asana.getUser", exact: true })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "asana.getProjects", exact: true })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "asana.createTask", exact: true })).not.toBeChecked();

  await page.goto("/tools/asana.getUser");
  await page.getByLabel(/user.gid/i).fill("me");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  await expect(page.getByTestId("json-tree")).toContainText("Greg Sanchez");
});
