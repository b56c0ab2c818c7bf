import { expect, type Page } from "@playwright/test";

/** Connects the signed-in user's GitHub through the fake's consent page, if it is not connected yet. */
export async function ensureGitHubConnected(page: Page): Promise<void> {
  await page.goto("/connections");
  const card = page.getByTestId("provider-github");
  const connect = card.getByRole("link", { name: "Connect GitHub" });
  if (!(await connect.isVisible())) return;
  await connect.click();
  await page.getByRole("button", { name: "Authorize octocat" }).click();
  await expect(page.locator("main [role=status]")).toHaveText("Connected GitHub as @octocat.");
}
