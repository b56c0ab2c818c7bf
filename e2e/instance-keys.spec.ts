import { expect, test, type Locator, type Page } from "@playwright/test";
import { addMember, signIn } from "./support/accounts";

/*
 * Issue 23, item 1: the instance-wide keys are the owners'. Playwright's server sets LINEAR_API_KEY;
 * an owner shares it with members from the Connections page and stops again, and a member sees
 * what they may use change with it, on the Connections page and in the tool list.
 */

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/** A tool's card on /tools (the innermost section holding its link): its Ready badge, or why it is not ready. */
const toolCard = (page: Page, toolId: string): Locator =>
  page
    .locator("main section")
    .filter({ has: page.getByRole("link", { name: toolId, exact: true }) })
    .last();

test("the owner shares the instance's Linear key with members and stops sharing it; a member sees each change", async ({ page, browser }) => {
  const member = { name: "Kai Member", email: `kai-${Date.now()}@patchbay.test`, password: "member password 456" };
  await addMember(page, member);
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  try {
    await signIn(memberPage, member);
    const memberLinear = memberPage.getByTestId("linear-instance-key");
    await memberPage.goto("/connections");
    await expect(memberLinear).toHaveText(
      "No key yet. This instance has a Linear key, but it is not shared with members: add your own, or ask an owner to share it.",
    );
    await expect(memberPage.getByTestId("provider-linear")).not.toContainText("LINEAR_API_KEY");
    await memberPage.goto("/tools");
    await expect(toolCard(memberPage, "linear-create-project")).toContainText(
      "Connect Linear, add an API key or ask an owner to share the instance's key first",
    );

    await page.goto("/connections");
    const ownerLinear = page.getByTestId("linear-instance-key");
    await expect(ownerLinear).toContainText(
      "Tools use the instance-wide key from LINEAR_API_KEY until you add your own. Members cannot use it unless you share it.",
    );
    await ownerLinear.getByRole("button", { name: "Share with members" }).click();
    await expect(ownerLinear).toContainText(
      /Shared with members by Olive Owner on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: members without a key of their own act with it\./,
    );
    await expect(ownerLinear.getByRole("button", { name: "Stop sharing" })).toBeVisible();

    await memberPage.goto("/connections");
    await expect(memberLinear).toHaveText("Tools use this instance's Linear key, shared with members by Olive Owner, until you add your own.");
    await expect(memberPage.getByTestId("provider-slack")).toContainText("not shared with members");
    await memberPage.goto("/tools");
    await expect(toolCard(memberPage, "linear-create-project").getByText("Ready", { exact: true })).toBeVisible();

    await ownerLinear.getByRole("button", { name: "Stop sharing" }).click();
    await expect(ownerLinear).toContainText("Members cannot use it unless you share it.");
    await memberPage.goto("/connections");
    await expect(memberLinear).toHaveText(
      "No key yet. This instance has a Linear key, but it is not shared with members: add your own, or ask an owner to share it.",
    );
    await memberPage.goto("/tools");
    await expect(toolCard(memberPage, "linear-create-project")).toContainText("ask an owner to share the instance's key");
  } finally {
    await memberContext.close();
  }
});
