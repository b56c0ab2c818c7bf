import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakeGitHubState } from "./support/fakes";
import { ensureGitHubDisconnected } from "./support/github";

test.describe.configure({ mode: "serial" });

const githubCard = (page: Page) => page.getByTestId("provider-github");

async function startConnect(page: Page): Promise<void> {
  await page.goto("/connections");
  await githubCard(page).getByRole("link", { name: "Connect GitHub" }).click();
  await expect(page.getByRole("heading", { name: "Authorize Patchbay" })).toBeVisible();
}

// Specs that run earlier (the agent's, the tokens') connect GitHub: this one starts from "Not connected".
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page);
  await ensureGitHubDisconnected(page);
  await page.close();
});

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an unconfigured provider says which variables to set and the callback URL to register, folded away beside a working API-key field", async ({ page }) => {
  await page.goto("/connections");
  const slack = page.getByTestId("provider-slack");
  // Slack works with a bot token: OAuth is an option an admin may set up, not "Not configured".
  await expect(slack.getByText("Not configured")).toHaveCount(0);
  await slack.getByText("Connect by OAuth instead (for admins: set it up)").click();
  await expect(slack.getByText("SLACK_CLIENT_ID")).toBeVisible();
  await expect(slack.getByText("SLACK_CLIENT_SECRET")).toBeVisible();
  await expect(slack.getByText(/\/api\/connections\/slack\/callback$/)).toBeVisible();
  await expect(slack.getByRole("button", { name: "Copy the Slack callback URL" })).toBeVisible();
  await expect(githubCard(page).getByText("Not connected")).toBeVisible();
});

test("declining on the provider's page shows a clear banner and saves nothing", async ({ page }) => {
  await startConnect(page);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/connections\?error=access_denied&provider=github$/);
  await expect(page.locator("main [role=alert]")).toHaveText("You declined to connect GitHub. Nothing was saved.");
  await expect(githubCard(page).getByText("Not connected")).toBeVisible();
});

test("a tampered state is rejected", async ({ page }) => {
  await startConnect(page);
  await page.locator('input[name="state"]').evaluate((input: HTMLInputElement) => {
    input.value = `${input.value.slice(0, -4)}AAAA`;
  });
  await page.getByRole("button", { name: "Authorize octocat" }).click();
  await expect(page).toHaveURL(/\/connections\?error=invalid_state&provider=github$/);
  await expect(page.locator("main [role=alert]")).toContainText("could not be matched to a connection you started");
  await expect(githubCard(page).getByText("Not connected")).toBeVisible();
});

test("Connect GitHub: approve on the provider's page and come back connected", async ({ page }) => {
  await startConnect(page);
  await expect(page.getByText("admin:repo_hook")).toBeVisible();
  await page.getByRole("button", { name: "Authorize octocat" }).click();
  await expect(page).toHaveURL(/\/connections\?connected=/);
  await expect(page.locator("main [role=status]")).toHaveText("Connected GitHub as @octocat.");
  const card = githubCard(page);
  await expect(card.getByText("Connected as @octocat")).toBeVisible();
  await expect(card.getByText("repo, read:user, admin:repo_hook")).toBeVisible();
  await expect(card.getByText("does not expire")).toBeVisible();
  expect(await page.content()).not.toMatch(/gh[our]_[A-Za-z0-9_-]{10,}/);

  const api = await page.request.get("/api/connections");
  const body = await api.text();
  expect(body).toContain('"accountLabel":"@octocat"');
  expect(body).not.toMatch(/gh[our]_/);
  expect(body).not.toContain("Sealed");

  await page.goto("/");
  const githubStatus = page.getByRole("list", { name: "Connection status" }).getByRole("listitem").filter({ hasText: "GitHub" });
  await expect(githubStatus.getByText("Connected", { exact: true })).toBeVisible();
});

test("Disconnect asks first, revokes the grant at GitHub and shows Not connected", async ({ page, request }) => {
  const before = await fakeGitHubState(request);
  await page.goto("/connections");
  const card = githubCard(page);
  await card.getByRole("button", { name: "Disconnect" }).click();
  await expect(card.getByText("Disconnect GitHub? Patchbay revokes its access and deletes the tokens.")).toBeVisible();
  await card.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(card.getByText("Not connected")).toBeVisible();
  await expect(card.getByRole("link", { name: "Connect GitHub" })).toBeVisible();
  const after = await fakeGitHubState(request);
  expect(after.revokedGrants.length).toBe(before.revokedGrants.length + 1);
  expect(after.revokedGrants.at(-1)).toMatchObject({ clientId: "e2e-client-id", login: "octocat" });
});

test("an API key is checked, saved, and only its last four characters are shown again", async ({ page }) => {
  await page.goto("/connections");
  const card = page.getByTestId("provider-openweather");
  await card.getByLabel("Your OpenWeather API key").fill("not-a-real-key-000");
  await card.getByRole("button", { name: "Add API key" }).click();
  await expect(card.getByRole("alert")).toHaveText("OpenWeather rejected this key (HTTP 401). Nothing was saved.");

  const key = "0123456789abcdef0123456789ab9f3e";
  await card.getByLabel("Your OpenWeather API key").fill(key);
  await card.getByRole("button", { name: "Add API key" }).click();
  await expect(card.getByTestId("openweather-key")).toHaveText("….9f3e");
  expect(await page.content()).not.toContain(key);
  await page.reload();
  await expect(card.getByTestId("openweather-key")).toHaveText("….9f3e");
  expect(await page.content()).not.toContain(key);
});
