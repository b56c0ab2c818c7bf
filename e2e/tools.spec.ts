import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakeGitHubState, fakeSlackUrl } from "./support/fakes";
import { ensureGitHubConnected } from "./support/github";

test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await ensureGitHubConnected(page);
});

test("run github-create-issue from its generated form; GitHub receives the issue and the page shows it", async ({ page, request }) => {
  await page.goto("/tools");
  await expect(page.getByRole("link", { name: "github-create-issue" })).toBeVisible();
  await page.getByRole("link", { name: "github-create-issue" }).click();
  await expect(page.getByRole("heading", { name: "github-create-issue" })).toBeVisible();

  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.locator("#field-owner-error")).toHaveText("Required.");

  await page.getByLabel("Owner", { exact: true }).fill("octocat");
  await page.getByLabel("Repo", { exact: true }).fill("hello-world");
  await page.getByLabel("Title", { exact: true }).fill("Filed from the Patchbay runner");
  await expect(page.getByText("Issue description (Markdown)")).toBeVisible();
  await page.getByRole("button", { name: "Add label" }).click();
  await page.getByRole("textbox", { name: "Label 1" }).fill("triage");
  await page.getByRole("button", { name: "Run tool" }).click();

  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  const state = (await fakeGitHubState(request)) as unknown as { createdIssues: { title: string; number: number; labels: string[] }[] };
  const issue = state.createdIssues.find((candidate) => candidate.title === "Filed from the Patchbay runner")!;
  expect(issue.labels).toEqual(["triage"]);
  await expect(page.getByTestId("json-tree")).toContainText(`number: ${issue.number}`);
  await expect(page.getByTestId("json-tree")).toContainText(`https://github.com/octocat/hello-world/issues/${issue.number}`);

  await page.reload();
  const history = page.getByRole("list", { name: "Run history" });
  await expect(history.getByText("succeeded").first()).toBeVisible();
  await history.getByText("Input and output").first().click();
  await expect(history.getByTestId("history-output").first()).toContainText(`number: ${issue.number}`);
  await expect(history.getByTestId("history-input").first()).toContainText("Filed from the Patchbay runner");
  await history.getByRole("link", { name: "Run again with this input" }).first().click();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Filed from the Patchbay runner");
});

test("project-setup: steps turn green live, the Slack step seen running first, without a reload", async ({ page, request }) => {
  // The fake Slack answers conversations.create only after 4 s, so the run page must show that
  // step running before it succeeds; the other fakes answer at once.
  expect((await request.post(`${fakeSlackUrl}/_fake/delay`, { data: { method: "conversations.create", ms: 4000 } })).ok()).toBe(true);
  try {
    await page.goto("/workflows/project-setup");
    await page.getByLabel("Project Name", { exact: true }).fill("Apollo");
    await page.getByLabel("Owner", { exact: true }).fill("octocat");
    await page.getByLabel("Name", { exact: true }).fill("apollo");
    await page.getByRole("button", { name: "Start workflow" }).click();
    await expect(page).toHaveURL(/\/runs\//);
    const slack = page.getByTestId("step-create-slack-channel");
    await expect(slack).toBeVisible();
    // A mark on this document: a full reload would lose it, a live update keeps it.
    await page.evaluate(() => Object.assign(window, { __patchbaySameDocument: true }));
    await expect(slack.getByText("running", { exact: true })).toBeVisible();
    await expect(page.getByTestId("run-status").getByText("running", { exact: true })).toBeVisible();
    for (const step of ["create-repository", "create-linear-project", "create-slack-channel"]) {
      await expect(page.getByTestId(`step-${step}`).getByText("success", { exact: true })).toBeVisible();
    }
    await expect(page.getByTestId("run-status").getByText("success")).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __patchbaySameDocument?: boolean }).__patchbaySameDocument)).toBe(true);
  } finally {
    await request.post(`${fakeSlackUrl}/_fake/delay`, { data: { method: "conversations.create", ms: 0 } });
  }
});

test("project-setup with Slack failing: two steps done, one failed with the reason", async ({ page, request }) => {
  expect((await request.post(`${fakeSlackUrl}/_fake/fail`, { data: { method: "conversations.create", error: "restricted_action" } })).ok()).toBe(true);
  try {
    await page.goto("/workflows/project-setup");
    await page.getByLabel("Project Name", { exact: true }).fill("Gemini");
    await page.getByLabel("Owner", { exact: true }).fill("octocat");
    await page.getByLabel("Name", { exact: true }).fill("gemini");
    await page.getByRole("button", { name: "Start workflow" }).click();
    await expect(page).toHaveURL(/\/runs\//);
    await expect(page.getByTestId("step-create-repository").getByText("success", { exact: true })).toBeVisible();
    await expect(page.getByTestId("step-create-linear-project").getByText("success", { exact: true })).toBeVisible();
    await expect(page.getByTestId("step-create-slack-channel").getByText("failed", { exact: true })).toBeVisible();
    await expect(page.getByTestId("step-create-slack-channel")).toContainText("Slack conversations.create failed: restricted_action");
    await expect(page.getByTestId("run-status").getByText("failed")).toBeVisible();
  } finally {
    await request.post(`${fakeSlackUrl}/_fake/reset`);
  }
});
