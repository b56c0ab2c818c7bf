import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";

/*
 * Issue 26, the rest: someone new accepts an invite by signing in with GitHub (the fake GitHub,
 * e2e/fakes/github.ts, plays the sign-in), and the owner shares accounts with the workspace: an
 * API key saved as a shared connection, and a shared GitHub account whose "connected" banner names it.
 */

const stamp = Date.now();

test("someone new accepts an invite by signing in with GitHub, once", async ({ page, browser }) => {
  await signIn(page);
  const email = `hubot-${stamp}@patchbay.test`;
  await page.goto("/users");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();
  expect(link).toContain("/invite/");

  const newcomer = await (await browser.newContext()).newPage();
  await newcomer.goto(link);
  await expect(newcomer.getByRole("heading", { name: /^Join / })).toBeVisible();
  await newcomer.getByRole("button", { name: "Join with GitHub" }).click();
  // The fake GitHub's consent page; hubot is an identity no one here signed in with.
  await newcomer.getByRole("button", { name: "Authorize hubot (a second account)" }).click();
  await expect(newcomer.getByTestId("signed-in-user")).toHaveText("Hubot");
  // The invite cookie is gone once used.
  expect((await newcomer.context().cookies()).map((cookie) => cookie.name)).not.toContain("patchbay-invite-pass");

  // The owner sees them in the workspace with the invited role and address; the link is used up.
  await page.goto("/users");
  const person = page.getByTestId("person").filter({ hasText: email });
  await expect(person).toContainText("member");
  await newcomer.goto(link);
  await expect(newcomer.getByRole("heading", { name: "This invite does not work" })).toBeVisible();
  await newcomer.context().close();
});

test("an admin shares an API key and a GitHub account with the workspace", async ({ page }) => {
  await signIn(page);
  await page.goto("/connections");
  const shared = page.locator("section[aria-labelledby=shared-connections]");
  const shareKey = shared.getByRole("form", { name: /^Share an API key with / });
  await shareKey.getByLabel("Service").selectOption({ label: "OpenWeather" });
  await shareKey.getByLabel("Shared API key").fill("9999abcd9999abcd9999abcd9999abcd");
  await shareKey.getByRole("button", { name: "Share API key" }).click();
  await expect(shared.getByText("Shared key saved (….abcd)")).toBeVisible();
  await expect(shared.getByTestId("shared-connection").filter({ hasText: "OpenWeather" })).toContainText("….abcd");

  await shared.getByRole("link", { name: "Connect a shared GitHub account" }).click();
  await page.getByRole("button", { name: "Authorize octocat" }).click();
  await expect(page).toHaveURL(/\/connections\?connected=/);
  await expect(page.locator("main [role=status]")).toHaveText("Connected a shared GitHub account as @octocat.");
  await expect(shared.getByTestId("shared-connection").filter({ hasText: "GitHub" })).toContainText("@octocat");
});
