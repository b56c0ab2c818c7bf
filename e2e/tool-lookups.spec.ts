import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";
import { ensureGitHubConnected } from "./support/github";

/** Issue 25, item 6: a tool's form offers what the connected services can list; the JSON tab starts from an example. */

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await ensureGitHubConnected(page);
});

test("github-create-issue offers the connected account's repositories, and choosing one fills in owner and repo", async ({ page }) => {
  await page.goto("/tools/github-create-issue");
  const repository = page.getByLabel(/^Repository/);
  await expect(repository.locator("option", { hasText: "octocat/hello-world" })).toHaveCount(1);
  await repository.selectOption({ label: "octocat/hello-world" });
  await expect(page.getByLabel("Owner", { exact: true })).toHaveValue("octocat");
  await expect(page.getByLabel("Repo", { exact: true })).toHaveValue("hello-world");
  // Typed by hand: the choice follows what the fields hold.
  await page.getByLabel("Repo", { exact: true }).fill("secret-plans");
  await expect(repository.locator("option:checked")).toHaveText("octocat/secret-plans");
  await page.getByLabel("Repo", { exact: true }).fill("not-listed");
  await expect(repository).toHaveValue("");
});

test("slack-post-message offers the channels Slack lists", async ({ page }) => {
  await page.goto("/tools/slack-post-message");
  const channel = page.getByLabel(/^Channel \(fills in channel\)/);
  await expect(channel.locator("option", { hasText: "#general" })).toHaveCount(1);
  await channel.selectOption({ label: "#general" });
  await expect(page.getByLabel("Channel", { exact: true })).toHaveValue("C0GENERAL");
});
