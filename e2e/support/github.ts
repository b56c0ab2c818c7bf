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

/** Disconnects the signed-in user's GitHub if another spec left it connected, so a spec can start from "Not connected". */
export async function ensureGitHubDisconnected(page: Page): Promise<void> {
  await page.goto("/connections");
  const card = page.getByTestId("provider-github");
  const disconnect = card.getByRole("button", { name: "Disconnect" });
  while (await disconnect.first().isVisible()) {
    await disconnect.first().click();
    await card.getByRole("button", { name: "Yes, disconnect" }).click();
    await page.waitForLoadState("networkidle");
  }
  await expect(card.getByRole("link", { name: "Connect GitHub" })).toBeVisible();
}
