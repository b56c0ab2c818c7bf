import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";
import { mailTo } from "./support/fakes";

/*
 * A team of three in one workspace, as a new team would set it up: the owner invites an admin by
 * email (the test's SMTP server receives the mail; the admin follows its link), and a member and a
 * viewer by a copied link. Each then sees what their role allows: the viewer reads and changes
 * nothing, the member runs but does not manage, the admin manages people and reads the audit log.
 */

const stamp = Date.now();
const team = {
  admin: { name: "Ada Admin", email: `ada-${stamp}@patchbay.test`, password: "violet anchor drifting 4417" },
  member: { name: "Mo Member", email: `mo-${stamp}@patchbay.test`, password: "copper lantern seventy wharf" },
  viewer: { name: "Vi Viewer", email: `vi-${stamp}@patchbay.test`, password: "quiet orchard bicycle 8823" },
};

async function invite(page: Page, email: string, role: "admin" | "member" | "viewer"): Promise<string> {
  await page.goto("/users");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toContainText("/invite/");
  return (await link.textContent())!.trim();
}

/** Opens an invite link in a browser of its own and creates the account it invites. */
async function accept(browser: Browser, link: string, person: { name: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await page.getByLabel("Name").fill(person.name);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page.getByTestId("signed-in-user")).toHaveText(person.name);
  return page;
}

test("a team of three: invites by mail and by link, and each role sees what it may", async ({ page, browser, request }) => {
  await signIn(page);

  // The admin: invited by email, the mailed link followed.
  const mailedLink = await invite(page, team.admin.email, "admin");
  const mail = await mailTo(request, team.admin.email);
  expect(mail.subject).toContain("invited you to");
  const linkInMail = /http:\/\/127\.0\.0\.1:\d+\/invite\/[\w-]+/.exec(mail.text)?.[0];
  expect(linkInMail).toBe(mailedLink);
  const admin = await accept(browser, linkInMail!, team.admin);
  await expect(admin.getByTestId("workspace-role")).toHaveText("admin");

  // A used link does not work twice.
  const again = await (await browser.newContext()).newPage();
  await again.goto(linkInMail!);
  await expect(again.getByRole("heading", { name: "This invite does not work" })).toBeVisible();

  // The member and the viewer: links copied from the page.
  const member = await accept(browser, await invite(page, team.member.email, "member"), team.member);
  const viewer = await accept(browser, await invite(page, team.viewer.email, "viewer"), team.viewer);
  await expect(viewer.getByTestId("workspace-role")).toHaveText("viewer");

  // A pending invite can be revoked; its link then says so.
  const revokedLink = await invite(page, `late-${stamp}@patchbay.test`, "member");
  await page.reload();
  const pending = page.getByRole("list", { name: "Pending invites" });
  await pending.getByRole("button", { name: `Revoke the invite for late-${stamp}@patchbay.test` }).click();
  await expect(pending.getByText(`late-${stamp}@patchbay.test`)).toHaveCount(0);
  await again.goto(revokedLink);
  await expect(again.getByRole("heading", { name: "This invite does not work" })).toBeVisible();

  // The viewer reads the shared log but manages and runs nothing; pages say so in the app's layout.
  await viewer.goto("/webhooks");
  await expect(viewer.getByRole("heading", { name: "Webhooks" })).toBeVisible();
  await viewer.goto("/webhooks/endpoints");
  await expect(viewer.getByText("Endpoints and forwarding are managed by the workspace's admins.")).toBeVisible();
  await viewer.goto("/users");
  await expect(viewer.getByRole("status")).toContainText("Your role in");
  await expect(viewer.getByRole("status")).toContainText("viewer");
  await viewer.goto("/webhooks/forwarding");
  await expect(viewer.getByRole("status")).toContainText("admins and owners");
  await viewer.goto("/tools/api-call");
  await viewer.getByLabel("Endpoint", { exact: true }).fill("http://127.0.0.1:9/nothing");
  await viewer.getByRole("button", { name: "Run tool" }).click();
  await expect(viewer.getByText("viewers read runs but cannot start them")).toBeVisible();

  // The member may not manage people or read the audit log.
  await member.goto("/audit");
  await expect(member.getByRole("status")).toContainText("member");
  await member.goto("/users");
  await expect(member.getByRole("status")).toContainText("admins and owners");

  // The admin sees the people with their roles, changes one, and reads the audit log.
  await admin.goto("/users");
  const people = admin.getByRole("list", { name: "People" });
  await expect(people.getByTestId("person").filter({ hasText: team.viewer.email })).toContainText("viewer");
  const viewerControls = admin.getByRole("group", { name: `Manage ${team.viewer.name}` });
  await viewerControls.getByLabel(`Role of ${team.viewer.name}`).selectOption("member");
  await viewerControls.getByRole("button", { name: "Change role" }).click();
  await expect(viewerControls.getByText("Role changed to member.")).toBeVisible();
  await viewer.goto("/");
  await expect(viewer.getByTestId("workspace-role")).toHaveText("member");

  await admin.goto("/audit");
  const entries = admin.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "invite accepted" }).filter({ hasText: team.admin.email })).toHaveCount(1);
  await expect(entries.filter({ hasText: "role changed" }).filter({ hasText: team.viewer.email })).toHaveCount(1);
  await admin.getByLabel("Action").selectOption("invite_created");
  await admin.getByRole("button", { name: "Filter" }).click();
  await expect(entries.filter({ hasText: team.member.email })).toHaveCount(1);
  // The log never holds a secret: no invite token appears in it.
  await expect(admin.locator("main")).not.toContainText(linkInMail!.split("/invite/")[1]!);
});
