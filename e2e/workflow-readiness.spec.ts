import { expect, test } from "@playwright/test";
import { addMember, signIn } from "./support/accounts";

/** Issue 25, items 7 and 8: a workflow bound to fail does not start; a member sees what they can use, not operator text. */

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a member without the services a workflow needs is told what is missing, with a link, and nothing starts", async ({ page, browser }) => {
  const member = { name: "Nia Newcomer", email: `nia-${Date.now()}@patchbay.test`, password: "member password 456" };
  await addMember(page, member);
  const context = await browser.newContext();
  const memberPage = await context.newPage();
  try {
    await signIn(memberPage, member);
    await memberPage.goto("/workflows/project-setup");
    await expect(memberPage.getByTestId("missing-services")).toContainText("Not ready: this workflow will not start until you");
    await memberPage.getByLabel("Project Name", { exact: true }).fill("Bound to fail");
    await memberPage.getByLabel("Owner", { exact: true }).fill("octocat");
    await memberPage.getByLabel("Name", { exact: true }).fill("bound-to-fail");
    await memberPage.getByRole("button", { name: "Start workflow" }).click();
    const refusal = memberPage.locator("main [role=alert]").filter({ hasText: "project-setup was not started" });
    // Linear and Slack at least (GitHub too, unless an earlier spec shared a GitHub account with the workspace).
    await expect(refusal).toContainText("Connect Linear");
    await expect(refusal).toContainText("Connect Slack");
    await expect(refusal.getByRole("link", { name: "Open Connections" })).toHaveAttribute("href", "/connections");
    await expect(memberPage).toHaveURL(/\/workflows\/project-setup$/);

    // Operator text is for admins: the member's Connections page names no variable and no callback URL.
    await memberPage.goto("/connections");
    await expect(memberPage.getByText(/_CLIENT_ID|_CLIENT_SECRET|_SIGNING_SECRET|\/callback/)).toHaveCount(0);
    await expect(memberPage.getByTestId("provider-linear").getByLabel("Your Linear API key")).toBeVisible();
    await expect(memberPage.getByTestId("provider-linear")).not.toContainText(/by OAuth|LINEAR_|Not configured/);
  } finally {
    await context.close();
  }
});
