import { expect, test, type Browser, type Page } from "@playwright/test";
import { URI, type TOTP } from "otpauth";
import { addMember, signIn, type Account } from "./support/accounts";
import { mailCount, mailTo } from "./support/fakes";

/** A member the owner adds for this test, signed in on a browser context of their own. */
async function memberOnOwnContext(page: Page, browser: Browser, member: Account): Promise<Page> {
  await signIn(page);
  await addMember(page, member);
  const context = await browser.newContext();
  return context.newPage();
}

test("forgot password: the mailed link sets a new, strong password once, and the old one stops working", async ({ page, browser, request }) => {
  const member = { name: "Fern Forgetful", email: `fern-${Date.now()}@patchbay.test`, password: "member password 789" };
  const memberPage = await memberOnOwnContext(page, browser, member);

  await memberPage.goto("/sign-in");
  await memberPage.getByRole("link", { name: "Forgot password?" }).click();
  await expect(memberPage.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  // An address without an account gets the very same answer, and no mail.
  const nobody = `nobody-${Date.now()}@patchbay.test`;
  await memberPage.getByLabel("Email").fill(nobody);
  await memberPage.getByRole("button", { name: "Send me a reset link" }).click();
  const answer = memberPage.getByRole("status");
  await expect(answer).toHaveText("If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes.");

  await memberPage.goto("/forgot-password");
  await memberPage.getByLabel("Email").fill(member.email.toUpperCase());
  await memberPage.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(answer).toHaveText("If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes.");

  const mail = await mailTo(request, member.email);
  expect(mail.subject).toBe("Reset your Patchbay password");
  expect(await mailCount(request, nobody)).toBe(0);
  const link = /http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[\w-]+/.exec(mail.text)?.[0];
  expect(link).toBeTruthy();

  await memberPage.goto(link!);
  await expect(memberPage.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await memberPage.getByLabel("New password", { exact: true }).fill("password1234");
  await memberPage.getByLabel("New password again").fill("password1234");
  await memberPage.getByRole("button", { name: "Set new password" }).click();
  await expect(memberPage.locator("form [role=alert]")).toContainText("This password is too easy to guess. This is similar to a commonly used password.");

  const newPassword = "fern picks a sturdy passphrase";
  await memberPage.getByLabel("New password", { exact: true }).fill(newPassword);
  await memberPage.getByLabel("New password again").fill(newPassword);
  await memberPage.getByRole("button", { name: "Set new password" }).click();
  await expect(memberPage).toHaveURL(/\/sign-in\?reset=done$/);
  await expect(memberPage.getByText("Your password was changed. Sign in with the new one.")).toBeVisible();

  // The link works once.
  await memberPage.goto(link!);
  await expect(memberPage.getByRole("heading", { name: "This link does not work" })).toBeVisible();

  await memberPage.goto("/sign-in");
  await memberPage.getByLabel("Email").fill(member.email);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(memberPage.locator("form [role=alert]")).toHaveText("The email or password is incorrect.");
  await signIn(memberPage, { ...member, password: newPassword });
  await memberPage.context().close();
});

test("second factor: enrol with the QR code's secret, then sign in with a code, and with a recovery code", async ({ page, browser }) => {
  const member = { name: "Tao Totp", email: `tao-${Date.now()}@patchbay.test`, password: "member password 321" };
  const memberPage = await memberOnOwnContext(page, browser, member);
  await signIn(memberPage, member);

  await memberPage.goto("/account");
  await memberPage.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(memberPage.getByRole("img", { name: "QR code for your authenticator app" })).toHaveAttribute("src", /^data:image\/svg\+xml;base64,/);
  const uri = await memberPage.getByTestId("totp-uri").textContent();
  const totp = URI.parse(uri!) as TOTP;
  expect(totp.secret.base32).toBe(await memberPage.getByTestId("totp-secret").textContent());
  expect(totp.label).toBe(member.email);

  await memberPage.getByLabel("Code from the app").fill("000000");
  await memberPage.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(memberPage.locator("form [role=alert]")).toContainText("That code is not right.");
  await memberPage.getByLabel("Code from the app").fill(totp.generate());
  await memberPage.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(memberPage.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  const recoveryCodes = await memberPage.getByTestId("recovery-codes").getByRole("listitem").allTextContents();
  await memberPage.getByRole("button", { name: "I have kept my recovery codes" }).click();
  await expect(memberPage.getByTestId("two-factor-status")).toHaveText("Two-factor sign-in is on. 10 recovery codes left.");
  await memberPage.getByRole("button", { name: "Sign out" }).click();
  await expect(memberPage).toHaveURL(/\/sign-in/);

  // The password alone does not sign in: the code is asked for, and a wrong one refused.
  await memberPage.getByLabel("Email").fill(member.email);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(memberPage.getByLabel("Authentication code")).toBeVisible();
  await memberPage.getByLabel("Authentication code").fill("123456");
  await memberPage.getByRole("button", { name: "Verify" }).click();
  await expect(memberPage.locator("form [role=alert]")).toContainText("That code is not right.");
  await expect(memberPage.getByTestId("signed-in-user")).toHaveCount(0);
  // The next step's code: the one used to enrol cannot be taken again.
  await memberPage.getByLabel("Authentication code").fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await memberPage.getByRole("button", { name: "Verify" }).click();
  await expect(memberPage.getByTestId("signed-in-user")).toHaveText(member.name);
  await memberPage.getByRole("button", { name: "Sign out" }).click();

  await memberPage.getByLabel("Email").fill(member.email);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await memberPage.getByLabel("Authentication code").fill(recoveryCodes[0]!);
  await memberPage.getByRole("button", { name: "Verify" }).click();
  await expect(memberPage.getByTestId("signed-in-user")).toHaveText(member.name);
  await memberPage.goto("/account");
  await expect(memberPage.getByTestId("two-factor-status")).toHaveText("Two-factor sign-in is on. 9 recovery codes left.");

  // Changing the password keeps this session (the server signs it in again without asking for a code).
  const newPassword = "tao keeps a fresh passphrase";
  await memberPage.getByLabel("Current password").fill(member.password);
  await memberPage.getByLabel("New password", { exact: true }).fill(newPassword);
  await memberPage.getByLabel("New password again").fill(newPassword);
  await memberPage.getByRole("button", { name: "Change password" }).click();
  await expect(memberPage.getByText("Your password was changed; other sessions are signed out.")).toBeVisible();
  await expect(memberPage.getByTestId("signed-in-user")).toHaveText(member.name);

  // Turning it off needs proof: a wrong password is refused, the right one turns it off.
  await memberPage.getByLabel("Your password").fill(member.password);
  await memberPage.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(memberPage.locator("form [role=alert]")).toHaveText("Enter a current code from your authenticator, or your password.");
  await memberPage.getByLabel("Your password").fill(newPassword);
  await memberPage.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(memberPage.getByRole("button", { name: "Set up two-factor sign-in" })).toBeVisible();
  await memberPage.context().close();
});
