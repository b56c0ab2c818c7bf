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

test("choosing another GitHub account to act as lists that account's repositories", async ({ page }) => {
  await page.goto("/connections");
  const github = page.getByTestId("provider-github");
  await github.getByRole("link", { name: "Connect another GitHub account" }).click();
  await page.getByRole("button", { name: "Authorize hubot (a second account)" }).click();
  await expect(page.locator("main [role=status]").first()).toHaveText("Connected GitHub as @hubot.");
  try {
    await page.goto("/tools/github-create-issue");
    const repository = page.getByLabel(/^Repository/);
    await expect(repository.locator("option", { hasText: "octocat/secret-plans" })).toHaveCount(1);
    await expect(repository.locator("option", { hasText: "hubot/hubot-scripts" })).toHaveCount(0);

    await page.getByLabel("GitHub account to act as").selectOption({ label: "@hubot" });
    await expect(repository.locator("option", { hasText: "hubot/hubot-scripts" })).toHaveCount(1);
    await expect(repository.locator("option", { hasText: "octocat/secret-plans" })).toHaveCount(0);
    await repository.selectOption({ label: "hubot/hubot-scripts" });
    await expect(page.getByLabel("Owner", { exact: true })).toHaveValue("hubot");

    await page.getByLabel("GitHub account to act as").selectOption({ label: "@octocat" });
    await expect(repository.locator("option", { hasText: "octocat/secret-plans" })).toHaveCount(1);
    await expect(repository.locator("option", { hasText: "hubot/hubot-scripts" })).toHaveCount(0);
  } finally {
    await page.goto("/connections");
    const box = page.getByTestId("provider-github").getByText("Connected as @hubot").locator("xpath=ancestor::div[contains(@class,'rounded-md')][1]");
    await box.getByRole("button", { name: "Disconnect" }).click();
    await box.getByRole("button", { name: "Yes, disconnect" }).click();
    await expect(page.getByText("Connected as @hubot")).toHaveCount(0);
  }
});
