import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { pushPayload } from "../tests/support/push-payload";
import { owner, signIn } from "./support/accounts";
import { fakeGitHubUrl, fakePetstoreUrl } from "./support/fakes";
import { ensureGitHubConnected } from "./support/github";

test.describe.configure({ mode: "serial" });

const fakeOpenWeatherUrl = `http://127.0.0.1:${process.env.E2E_OPENWEATHER_PORT}`;
const SECRET = "e2e-github-webhook-secret";

/** The fake GitHub answers the next request to this route with exactly this, once. */
async function githubAnswersOnce(page: Page, route: string, status: number, body: string) {
  expect((await page.request.post(`${fakeGitHubUrl}/_fake/answer-once`, { data: { route, status, body } })).ok()).toBe(true);
}

async function saveScreenshots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await ensureGitHubConnected(page);
});

test("the runner says which account it acts as and lets you choose; the run has its own page and is in the Runs list", async ({ page }) => {
  await page.goto("/connections");
  const github = page.getByTestId("provider-github");
  await github.getByRole("link", { name: "Connect another GitHub account" }).click();
  await page.getByRole("button", { name: "Authorize hubot (a second account)" }).click();
  await expect(page.locator("main [role=status]").first()).toHaveText("Connected GitHub as @hubot.");
  // hubot's picture does not load: its initial stands in.
  const hubot = github.getByText("Connected as @hubot").locator("xpath=ancestor::div[contains(@class,'rounded-md')][1]");
  await expect(hubot.getByTestId("avatar-fallback")).toHaveText("@");

  try {
    await page.goto("/tools/github-list-user-repos");
    const picker = page.getByLabel("GitHub account to act as");
    await expect(picker).toHaveValue(/.+/);
    await expect(picker.locator("option")).toHaveText(["@octocat", "@hubot"]);
    await picker.selectOption({ label: "@hubot" });
    await page.getByRole("button", { name: "Run tool" }).click();
    await expect(page.getByTestId("run-result")).toContainText("Succeeded");
    await page.getByRole("link", { name: "Open this run" }).click();

    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { name: "Run of github-list-user-repos" })).toBeVisible();
    await expect(page.getByTestId("run-accounts")).toHaveText("GitHub: @hubot");
    await expect(page.getByTestId("tool-run-summary")).toContainText("you, from the runner");
    await expect(page.getByTestId("tool-run-summary")).toContainText(/\d+ ms/);
    await expect(page.getByTestId("run-input")).toContainText('visibility: "all"');
    const link = page.getByTestId("run-output").getByRole("link", { name: "https://github.com/octocat/hello-world", exact: true });
    await expect(link).toHaveAttribute("href", "https://github.com/octocat/hello-world");
    await saveScreenshots(page, "tool-run");

    await page.goto("/runs");
    const runs = page.getByRole("table", { name: "Runs" });
    await expect(runs.getByRole("row").filter({ hasText: "github-list-user-repos" }).first()).toBeVisible();
    await page.getByLabel("Kind").selectOption("workflow");
    await expect(page).toHaveURL(/\/runs\?kind=workflow$/);
    await expect(runs.getByRole("row").filter({ hasText: "github-list-user-repos" })).toHaveCount(0);
    await page.getByLabel("Kind").selectOption("");
    await expect(page).toHaveURL(/\/runs$/);
    await page.getByLabel("Status").selectOption("succeeded");
    await expect(page).toHaveURL(/\/runs\?status=succeeded$/);
    await expect(runs.getByRole("row").filter({ hasText: "github-list-user-repos" }).first()).toBeVisible();
  } finally {
    await page.goto("/connections");
    const box = page.getByTestId("provider-github").getByText("Connected as @hubot").locator("xpath=ancestor::div[contains(@class,'rounded-md')][1]");
    await box.getByRole("button", { name: "Disconnect" }).click();
    await box.getByRole("button", { name: "Yes, disconnect" }).click();
    await expect(page.getByText("Connected as @hubot")).toHaveCount(0);
  }
});

test("the form and the whole-input JSON editor carry the input both ways, checked against the schema", async ({ page }) => {
  await page.goto("/tools/github-create-issue");
  // With nothing filled in, the JSON starts from an example built from the schema, not an empty {}.
  await page.getByRole("tab", { name: "JSON" }).click();
  await expect(page.getByLabel("The whole input as JSON")).toHaveValue(/"owner": "owner",\s+"repo": "repo",\s+"title": "title"/);
  await expect(page.getByText("Fits the input schema.")).toBeVisible();
  await page.goto("/tools/github-create-issue");
  await page.getByLabel("Owner", { exact: true }).fill("octocat");
  await page.getByLabel("Repo", { exact: true }).fill("hello-world");
  await page.getByRole("button", { name: "Add label" }).click();
  await page.getByRole("textbox", { name: "Label 1" }).fill("triage");

  await page.getByRole("tab", { name: "JSON" }).click();
  const json = page.getByLabel("The whole input as JSON");
  await expect(json).toHaveValue(/"owner": "octocat"/);
  await expect(json).toHaveValue(/"triage"/);
  await expect(page.getByRole("alert", { name: "Problems in the JSON" })).toContainText("title: Required.");
  await expect(page.getByRole("button", { name: "Run tool" })).toBeDisabled();

  await json.fill("{");
  await expect(page.getByRole("alert", { name: "Problems in the JSON" })).toContainText("Not valid JSON");
  await expect(page.getByRole("tab", { name: "Form" })).toBeDisabled();
  await json.fill(JSON.stringify({ owner: "octocat", repo: "hello-world", title: "From the JSON editor", labels: ["triage", "docs"] }));
  await expect(page.getByText("Fits the input schema.")).toBeVisible();

  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("From the JSON editor");
  await expect(page.getByRole("textbox", { name: "Label 2" })).toHaveValue("docs");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
});

test("a oneOf body gets a variant picker and an optional yes/no can stay unset", async ({ page }) => {
  const description = {
    openapi: "3.1.0",
    info: { title: "Shapes", version: "1.0.0" },
    paths: {
      "/shapes": {
        post: {
          operationId: "createShape",
          parameters: [{ name: "dryRun", in: "query", required: false, schema: { type: "boolean" } }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { type: "object", required: ["kind", "radius"], properties: { kind: { type: "string", enum: ["circle"] }, radius: { type: "number" } } },
                    { type: "object", required: ["kind", "side"], properties: { kind: { type: "string", enum: ["square"] }, side: { type: "number" } } },
                  ],
                },
              },
            },
          },
          responses: { "201": { description: "Created" } },
        },
      },
    },
  };
  // A JSON request from the app's own origin, as the import page sends it (the CSRF guard wants the Origin).
  const origin = `http://127.0.0.1:${process.env.E2E_PORT}`;
  const imported = await page.request.post("/api/openapi/imports", {
    data: { source: { kind: "text", text: JSON.stringify(description) }, serverUrl: fakePetstoreUrl },
    headers: { origin },
  });
  expect(imported.status()).toBe(201);
  const { slug } = (await imported.json()) as { slug: string };

  await page.goto(`/tools/${slug}.createShape`);
  const dryRun = page.getByLabel("Dry Run");
  await expect(dryRun).toHaveValue("");
  await expect(dryRun.locator("option")).toHaveText(["Not set", "Yes", "No"]);
  const variant = page.getByLabel(/which kind/);
  await expect(variant.locator("option")).toHaveText(["circle", "square"]);
  await expect(page.getByLabel("Radius")).toBeVisible();
  await variant.selectOption({ label: "square" });
  await expect(page.getByLabel("Radius")).toHaveCount(0);
  await page.getByLabel("Side").fill("3");

  await page.getByRole("tab", { name: "JSON" }).click();
  const json = page.getByLabel("The whole input as JSON");
  await expect(json).toHaveValue(/"side": 3/);
  await expect(json).not.toHaveValue(/dryRun/);
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByLabel(/which kind/)).toHaveValue("1");
  await expect(page.getByLabel("Side")).toHaveValue("3");
  await page.getByLabel("Dry Run").selectOption("false");
  await page.getByRole("tab", { name: "JSON" }).click();
  await expect(page.getByLabel("The whole input as JSON")).toHaveValue(/"dryRun": false/);
});

test("errors a person can act on: each service's own error, a named GitHub request, an unreachable key check", async ({ page }) => {
  await githubAnswersOnce(page, "GET /search/issues", 422, JSON.stringify({ message: "Validation Failed" }));
  await page.goto("/tools/multi-service-search");
  await page.getByLabel("Query", { exact: true }).fill("bug");
  await page.getByRole("checkbox", { name: "linear" }).uncheck();
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Failed");
  const errors = page.getByRole("list", { name: "Service errors" });
  await expect(errors.getByRole("listitem")).toHaveCount(2);
  await expect(errors.getByRole("listitem").filter({ hasText: "github" })).toContainText("GitHub: GET /search/issues answered 422: Validation Failed");
  await expect(errors.getByRole("listitem").filter({ hasText: "notion" })).toContainText("Notion");
  await expect(page.getByTestId("run-result").locator("xpath=..")).not.toContainText("undefined");

  await page.goto("/connections");
  const card = page.getByTestId("provider-openweather");
  const key = "feedfacefeedfacefeedfacefeed5a7e";
  const field = card.getByLabel(/OpenWeather API key/);
  await field.fill(key);
  expect((await page.request.post(`${fakeOpenWeatherUrl}/_fake/drop-next`)).ok()).toBe(true);
  // "Add API key", or "Replace key" when an earlier spec saved one (never "Remove key").
  await card.getByRole("button", { name: /^(Add API key|Replace key)$/ }).click();
  const alert = card.getByRole("alert");
  await expect(alert).toContainText("OpenWeather could not be reached at 127.0.0.1:");
  await expect(alert).toContainText("the connection closed before an answer came");
  await expect(alert).not.toContainText("TypeError");
  await expect(field).toHaveValue(key);
  await card.getByRole("button", { name: "Save without checking" }).click();
  await expect(card.getByRole("status")).toHaveText("Key saved (….5a7e), unchecked.");
  await expect(card.getByTestId("openweather-key")).toHaveText("….5a7e");
});

test("project-setup fails create-repository on an undocumented answer, and a failed run re-runs from its failed step", async ({ page }) => {
  const name = `odd-${Date.now()}`;
  await githubAnswersOnce(page, "POST /user/repos", 200, "");
  await page.goto("/workflows/project-setup");
  await page.getByLabel("Project Name", { exact: true }).fill(name);
  await page.getByLabel("Owner", { exact: true }).fill("octocat");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Start workflow" }).click();
  await expect(page).toHaveURL(/\/runs\//);
  const failedUrl = page.url();
  const repository = page.getByTestId("step-create-repository");
  await expect(repository.getByText("failed", { exact: true })).toBeVisible();
  await expect(repository).toContainText("GitHub: POST /user/repos answered 200, not the documented 201");
  await expect(page.getByTestId("step-create-linear-project").getByText("skipped", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Re-run from create-repository" }).click();
  await expect(page).not.toHaveURL(failedUrl);
  for (const step of ["create-repository", "create-linear-project", "create-slack-channel"]) {
    await expect(page.getByTestId(`step-${step}`).getByText("success", { exact: true })).toBeVisible();
  }
  await expect(page.getByRole("link", { name: "an earlier failed run" })).toHaveAttribute("href", new URL(failedUrl).pathname);
});

test("Run with this payload fills a workflow from a stored delivery; copy as curl warns on a truncated body", async ({ page }) => {
  const body = pushPayload({ repository: "octocat/payload-repo" });
  const accepted = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": `e2e-payload-${Date.now()}`,
      "x-hub-signature-256": await sign(SECRET, body),
    },
  });
  expect(accepted.status()).toBe(202);
  const { id } = (await accepted.json()) as { id: number };

  await page.goto(`/webhooks/${id}`);
  await page.getByLabel("Run with this payload").selectOption("workflow:process-github-push");
  await page.getByRole("link", { name: "Open form" }).click();
  await expect(page).toHaveURL(`/workflows/process-github-push?delivery=${id}`);
  await expect(page.getByText(`Filled in from delivery #${id} the way its webhook would start process-github-push.`)).toBeVisible();
  await expect(page.getByLabel("Repository", { exact: true })).toHaveValue("octocat/payload-repo");
  await page.getByRole("button", { name: "Start workflow" }).click();
  await expect(page).toHaveURL(/\/runs\//);
  await expect(page.getByRole("link", { name: `Started by delivery #${id}` })).toBeVisible();

  const large = JSON.stringify({ padding: "x".repeat(20_000) });
  const refused = await page.request.post("/api/webhooks/github", {
    data: large,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": `e2e-large-${Date.now()}`,
      "x-hub-signature-256": "sha256=00",
    },
  });
  expect(refused.status()).toBe(401);
  await page.goto("/webhooks");
  // The newest delivery's page: the first link to /webhooks/<number> (not /webhooks/forwarding and the like).
  const newest = await page
    .locator('main a[href^="/webhooks/"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute("href")).find((href) => /^\/webhooks\/\d+$/.test(href ?? "")));
  await page.goto(newest!);
  await expect(page.getByTestId("curl-truncated")).toHaveText("Only the first part of this body was stored, so this command re-sends a truncated body.");
  await expect(page.locator("pre").filter({ hasText: "curl -X POST" })).toContainText("# WARNING: the stored body is truncated (8192 of");
});

/** Makes a write access token on /settings/tokens as whoever is signed in on the page, and answers it. */
async function createToken(page: Page, name: string): Promise<string> {
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Scope").selectOption("write");
  await page.getByRole("button", { name: "Create token" }).click();
  return (await page.getByTestId("new-token").textContent())!;
}

/** The status /api/mcp answers a tools/list with this token. */
async function mcpStatus(page: Page, token: string): Promise<number> {
  const response = await page.request.post("/api/mcp", {
    headers: { authorization: `Bearer ${token}`, accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
    data: { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} },
  });
  return response.status();
}

test("roles: members see what they can connect and change their own password; the owner manages people", async ({ page, browser }) => {
  const member = { name: "Mia Member", email: `mia-${Date.now()}@patchbay.test`, password: "member password 123" };
  await page.goto("/connections");
  // The owner can set OAuth up (folded away where an API key works); a member below sees none of it.
  await page.getByTestId("provider-slack").getByText("Connect by OAuth instead (for admins: set it up)").click();
  await expect(page.getByText("SLACK_CLIENT_ID")).toBeVisible();
  await page.goto("/users");
  await page.getByLabel("Name", { exact: true }).fill(member.name);
  await page.getByLabel("Email", { exact: true }).fill(owner.email);
  await page.getByLabel("Initial password").fill(member.password);
  await page.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();
  await expect(page.getByLabel("Initial password")).toHaveValue(member.password);
  await page.getByLabel("Email", { exact: true }).fill(member.email);
  await page.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByText(`Account created for ${member.email}`)).toBeVisible();

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  // The member signed in on a second device too: changing the password ends that session.
  const otherDevice = await browser.newContext();
  const otherPage = await otherDevice.newPage();
  try {
    await signIn(memberPage, member);
    await signIn(otherPage, member);
    await memberPage.goto("/connections");
    await expect(memberPage.getByTestId("provider-github")).toBeVisible();
    await expect(memberPage.getByText(/_CLIENT_ID|_CLIENT_SECRET|\/callback/)).toHaveCount(0);
    // A member sees what they can use: Slack's bot-token field, and nothing of how an operator would set OAuth up.
    await expect(memberPage.getByTestId("provider-slack")).not.toContainText(/by OAuth|SLACK_|Not configured/);
    await expect(memberPage.getByTestId("provider-slack").getByLabel("Your Slack API key")).toBeVisible();
    await memberPage.goto("/workflows/project-setup");
    await expect(memberPage.getByTestId("missing-services")).toContainText("connect GitHub");
    await memberPage.goto("/account");
    await memberPage.getByLabel("Current password").fill("not my password");
    await memberPage.getByLabel("New password", { exact: true }).fill("a brand new password");
    await memberPage.getByLabel("New password again").fill("a brand new password");
    await memberPage.getByRole("button", { name: "Change password" }).click();
    await expect(memberPage.getByRole("alert").filter({ hasText: "The current password is not right." })).toBeVisible();
    await expect(memberPage.getByLabel("New password", { exact: true })).toHaveValue("a brand new password");
    // A token made before the change (by the member, or by a thief with their cookie) goes when they tick the box.
    const beforeChange = await createToken(memberPage, "made before my change");
    expect(await mcpStatus(memberPage, beforeChange)).toBe(200);
    await memberPage.goto("/account");
    await memberPage.getByLabel("Current password").fill(member.password);
    await memberPage.getByLabel("New password", { exact: true }).fill("a brand new password");
    await memberPage.getByLabel("New password again").fill("a brand new password");
    await memberPage.getByLabel(/Also revoke all my access tokens/).check();
    await memberPage.getByRole("button", { name: "Change password" }).click();
    await expect(memberPage.getByText("Your password was changed; other sessions are signed out. Your access tokens were revoked")).toBeVisible();
    expect(await mcpStatus(memberPage, beforeChange)).toBe(401);
    // This session was signed in again with the new password; the other device's is over.
    await memberPage.goto("/connections");
    await expect(memberPage.getByTestId("provider-github")).toBeVisible();
    await otherPage.goto("/connections");
    await expect(otherPage).toHaveURL(/\/sign-in/);
    const beforeReset = await createToken(memberPage, "made before the reset");
    expect(await mcpStatus(memberPage, beforeReset)).toBe(200);

    await page.goto("/users");
    const person = page.getByTestId("person").filter({ hasText: member.email });
    await person.getByLabel(`Role of ${member.name}`).selectOption("owner");
    await person.getByRole("button", { name: "Change role" }).click();
    await expect(person.getByText("Role changed to owner.")).toBeVisible();
    await person.getByLabel(`New password for ${member.name}`).fill("reset by the owner 99");
    await person.getByRole("button", { name: "Reset password" }).click();
    await expect(
      person.getByText("Password reset; they are signed out everywhere. Their access token was revoked. Share the password with them privately."),
    ).toBeVisible();
    expect(await mcpStatus(page, beforeReset)).toBe(401);
    // The owner's reset ends the member's own session too.
    await memberPage.goto("/connections");
    await expect(memberPage).toHaveURL(/\/sign-in/);
  } finally {
    await memberContext.close();
    await otherDevice.close();
  }

  await page.goto("/users");
  const person = page.getByTestId("person").filter({ hasText: member.email });
  await person.getByRole("button", { name: "Remove" }).click();
  await person.getByRole("button", { name: "Yes, remove" }).click();
  await expect(page.getByTestId("person").filter({ hasText: member.email })).toHaveCount(0);
});
