import { expect, type Page } from "@playwright/test";

/** The owner created by first-run.spec.ts; other specs sign in with it. */
export const owner = { name: "Olive Owner", email: "owner@patchbay.test", password: "correct horse battery staple" };

export async function signIn(page: Page, account = owner): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
}

export type Account = typeof owner;

/** The signed-in owner adds a member on /users with this name, email and initial password. */
export async function addMember(page: Page, member: Account): Promise<void> {
  await page.goto("/users");
  await page.getByLabel("Name", { exact: true }).fill(member.name);
  await page.getByLabel("Email", { exact: true }).fill(member.email);
  await page.getByLabel("Initial password").fill(member.password);
  await page.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByText(`Account created for ${member.email}`)).toBeVisible();
}
