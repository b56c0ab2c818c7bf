import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakeGitHubState, fakeModelUrl } from "./support/fakes";
import { ensureGitHubConnected } from "./support/github";

test.describe.configure({ mode: "serial" });

type Issue = { title: string; number: number };

/** The fake model's next answers, in the chat-completions wire format (see e2e/fakes/openai.ts). */
async function scriptModel(request: APIRequestContext, steps: unknown[]): Promise<void> {
  const response = await request.post(`${fakeModelUrl}/_fake/script`, { data: steps });
  expect(response.ok()).toBe(true);
}

async function issuesTitled(request: APIRequestContext, title: string): Promise<Issue[]> {
  const state = (await fakeGitHubState(request)) as unknown as { createdIssues: Issue[] };
  return state.createdIssues.filter((issue) => issue.title === title);
}

async function ask(page: Page, message: string): Promise<void> {
  await page.getByLabel("Message").fill(message);
  await page.getByRole("button", { name: "Send" }).click();
}

const createIssue = (title: string) => ({ toolCalls: [{ name: "github-create-issue", arguments: { owner: "octocat", repo: "hello-world", title } }] });

test.beforeEach(async ({ page, request }) => {
  await request.post(`${fakeModelUrl}/_fake/reset`);
  await signIn(page);
  await ensureGitHubConnected(page);
  await page.goto("/agent");
});

test("a read tool runs without asking and the reply streams in", async ({ page, request }) => {
  await scriptModel(request, [
    { toolCalls: [{ name: "github-list-issues", arguments: { owner: "octocat", repo: "hello-world" } }] },
    { text: "I looked at octocat/hello-world for you." },
  ]);
  await ask(page, "Which issues are open on octocat/hello-world?");
  const card = page.getByTestId("tool-call");
  await expect(card).toHaveAttribute("data-status", "succeeded");
  await expect(card).toContainText("github-list-issues");
  await expect(card.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await expect(page.getByTestId("assistant-message")).toHaveText("I looked at octocat/hello-world for you.");
});

test("a write waits for Approve, runs once, and the reply quotes the new issue's number", async ({ page, request }) => {
  const title = `Filed by the agent ${Date.now()}`;
  await scriptModel(request, [createIssue(title), { text: "Created issue #{{result.issue.number}}." }]);
  await ask(page, `Open an issue on octocat/hello-world titled "${title}"`);
  const card = page.getByTestId("tool-call");
  await expect(card).toHaveAttribute("data-status", "pending_approval");
  await expect(card.getByTestId("tool-call-input")).toContainText(title);
  await expect(page.getByLabel("Message")).toBeDisabled();
  expect(await issuesTitled(request, title)).toHaveLength(0);

  await card.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(card).toHaveAttribute("data-status", "succeeded");
  const created = await issuesTitled(request, title);
  expect(created).toHaveLength(1);
  await expect(page.getByTestId("assistant-message")).toHaveText(`Created issue #${created[0]!.number}.`);

  await card.getByRole("link", { name: "Open this run" }).click();
  await expect(page.getByRole("heading", { name: "Run of github-create-issue" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Started by the agent in a conversation" })).toBeVisible();
  await page.getByRole("link", { name: "Started by the agent in a conversation" }).click();
  await expect(page.getByTestId("tool-call")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("assistant-message")).toHaveText(`Created issue #${created[0]!.number}.`);
});

test("Deny sends nothing to GitHub and the agent is told so", async ({ page, request }) => {
  const title = `Never filed ${Date.now()}`;
  await scriptModel(request, [createIssue(title), { text: "Understood: nothing was created." }]);
  await ask(page, `Open an issue titled "${title}"`);
  const card = page.getByTestId("tool-call");
  await expect(card).toHaveAttribute("data-status", "pending_approval");
  await card.getByRole("button", { name: "Deny" }).click();
  await expect(card).toHaveAttribute("data-status", "denied");
  await expect(page.getByTestId("assistant-message")).toHaveText("Understood: nothing was created.");
  expect(await issuesTitled(request, title)).toHaveLength(0);
  const state = (await (await request.get(`${fakeModelUrl}/_fake/state`)).json()) as { requests: { body: string }[] };
  expect(state.requests.at(-1)!.body).toContain("denied");
});

test("a provider 401 is shown plainly and the conversation goes on", async ({ page, request }) => {
  await scriptModel(request, [
    { status: 401, error: { message: "Incorrect API key provided: sk-e2e-***789.", type: "invalid_request_error", code: "invalid_api_key" } },
    { text: "Back again." },
  ]);
  await ask(page, "Hello there");
  await expect(page.getByRole("log").getByRole("alert")).toContainText("The model provider refused the API key (401 invalid_api_key)");
  await expect(page.getByLabel("Message")).toBeEnabled();
  await ask(page, "Are you there now?");
  await expect(page.getByTestId("assistant-message")).toHaveText("Back again.");
  await page.reload();
  await expect(page.getByTestId("user-message")).toHaveText(["Hello there", "Are you there now?"]);
  await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: "Hello there" })).toBeVisible();
});

test("at 390 px the page fits, the message box stays in view in a long chat, and a conversation can be deleted", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const replies = Array.from({ length: 8 }, (_, index) => ({ text: `Reply ${index + 1}: ${"a-long-unbroken-identifier-".repeat(6)}` }));
  await scriptModel(request, replies);
  const topic = `Long chat ${Date.now()}`;
  for (const [index] of replies.entries()) {
    await ask(page, index === 0 ? topic : `Message ${index + 1}`);
    await expect(page.getByTestId("assistant-message")).toHaveCount(index + 1);
  }
  const size = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight / 2));
  await expect(page.getByLabel("Message")).toBeInViewport();

  await expect(page).toHaveURL(/\/agent\?c=/);
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: topic })).toBeVisible();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete this conversation" }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: topic })).toHaveCount(0);
});

test("an approval edits the input and allows the tool for the rest of the conversation; Revoke makes it ask again", async ({ page, request }) => {
  const stamp = Date.now();
  const proposed = `Proposed by the agent ${stamp}`;
  const edited = `Edited before approval ${stamp}`;
  const second = `Filed without asking ${stamp}`;
  const third = `Asked again ${stamp}`;
  await scriptModel(request, [
    createIssue(proposed),
    { text: "Created issue #{{result.result.issue.number}} titled {{result.inputUsed.title}}." },
    createIssue(second),
    { text: "Filed the second one." },
    createIssue(third),
    { text: "Understood: not filed." },
  ]);
  await ask(page, `Open an issue titled "${proposed}"`);
  const first = page.getByTestId("tool-call").first();
  await expect(first).toHaveAttribute("data-status", "pending_approval");
  await first.getByRole("button", { name: "Edit input" }).click();
  const editor = first.getByTestId("edit-input");
  await expect(editor.getByLabel("Title", { exact: true })).toHaveValue(proposed);
  await editor.getByLabel("Title", { exact: true }).fill(edited);
  await editor.getByLabel("Also allow github-create-issue for the rest of this conversation").check();
  await editor.getByRole("button", { name: "Approve with this input" }).click();

  await expect(first).toHaveAttribute("data-status", "succeeded");
  await expect(first).toContainText("edited before approval");
  await expect(first.getByTestId("tool-call-input")).toContainText(edited);
  const created = await issuesTitled(request, edited);
  expect(created).toHaveLength(1);
  expect(await issuesTitled(request, proposed)).toHaveLength(0);
  await expect(page.getByTestId("assistant-message")).toHaveText(`Created issue #${created[0]!.number} titled ${edited}.`);
  const allowed = page.getByRole("region", { name: "Allowed in this conversation" });
  await expect(allowed.getByTestId("allowed-tool")).toHaveText([/github-create-issue/]);

  // A later call of the same tool runs without asking.
  await ask(page, "File another one");
  await expect(page.getByTestId("tool-call").nth(1)).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("tool-call").nth(1).getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  expect(await issuesTitled(request, second)).toHaveLength(1);

  // Reopened, the page still shows the edit and the allowance; Revoke makes the tool ask again.
  await page.reload();
  await expect(page.getByTestId("tool-call").first()).toContainText("edited before approval");
  await allowed.getByRole("button", { name: "Revoke github-create-issue" }).click();
  await expect(allowed.getByRole("status")).toHaveText("github-create-issue asks for your approval again in this conversation.");
  await expect(allowed.getByTestId("allowed-tool")).toHaveCount(0);
  await ask(page, "And one more");
  const asked = page.getByTestId("tool-call").nth(2);
  await expect(asked).toHaveAttribute("data-status", "pending_approval");
  expect(await issuesTitled(request, third)).toHaveLength(0);
  await asked.getByRole("button", { name: "Deny" }).click();
  await expect(asked).toHaveAttribute("data-status", "denied");
});
