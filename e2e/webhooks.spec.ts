import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { pushPayload } from "../tests/support/signers";
import { signIn } from "./support/accounts";
import { fakeGitHubState } from "./support/fakes";
import { ensureGitHubConnected } from "./support/github";

const SECRET = "e2e-github-webhook-secret";

async function sendPush(page: Page, options: { secret?: string; repository: string; delivery: string }) {
  const body = pushPayload({ repository: options.repository });
  return page.request.post("/api/webhooks/github", {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": options.delivery,
      "x-hub-signature-256": await sign(options.secret ?? SECRET, body),
    },
  });
}

const deliveriesTable = (page: Page) => page.getByRole("table", { name: "Deliveries" });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a signed push appears live, opens with its payload and attempts, and replays", async ({ page }) => {
  await page.goto("/webhooks");
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const response = await sendPush(page, { repository: "octocat/live-repo", delivery: "e2e-live-1" });
  expect(response.status()).toBe(202);

  const row = deliveriesTable(page).getByRole("row").filter({ hasText: "octocat/live-repo" });
  await expect(row).toBeVisible(); // arrived without a reload
  await expect(row.getByText("processed")).toBeVisible();
  await expect(row.getByRole("cell", { name: "yes", exact: true })).toBeVisible();

  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { name: "github push" })).toBeVisible();
  await expect(page.getByTestId("verification")).toHaveText("Signature verified");
  await expect(page.getByTestId("json-tree")).toContainText('"octocat/live-repo"');
  await page.getByRole("searchbox", { name: "Search the payload" }).fill("pusher");
  await expect(page.getByTestId("json-tree")).toContainText("pusher");
  // Exact: "Forward attempts" (a forward set up by another spec) would match too.
  const attempts = page.getByRole("list", { name: "Attempts", exact: true }).getByRole("listitem");
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toContainText("automatic");
  await expect(page.getByRole("row", { name: "x-hub-signature-256 [redacted]" })).toBeVisible();
  expect(await page.content()).not.toContain(SECRET);

  await page.getByRole("button", { name: "Replay" }).click();
  await expect(page.getByText("Replay queued as a new attempt.")).toBeVisible();
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(1)).toContainText("replay");
});

test("a redelivery is acknowledged once, and a badly signed delivery is shown as rejected with its reason", async ({ page }) => {
  await page.goto("/webhooks");
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const first = await sendPush(page, { repository: "octocat/redelivered", delivery: "e2e-redelivered-1" });
  expect(first.status()).toBe(202);
  const again = await sendPush(page, { repository: "octocat/redelivered", delivery: "e2e-redelivered-1" });
  expect(again.status()).toBe(200);
  expect(await again.json()).toEqual({ duplicate: true });

  const bad = await sendPush(page, { secret: "not-the-secret", repository: "octocat/forged", delivery: "e2e-forged-1" });
  expect(bad.status()).toBe(401);
  const row = deliveriesTable(page).getByRole("row").filter({ hasText: "e2e-forged-1" });
  await expect(row).toBeVisible();
  await expect(row.getByText("rejected")).toBeVisible();
  await expect(row.getByText("signature does not match the secret")).toBeVisible();
  await expect(deliveriesTable(page).getByRole("row").filter({ hasText: "octocat/redelivered" })).toHaveCount(1);

  // Other specs share this account and may have refusals of their own: filter to this one.
  await page.goto("/webhooks?status=rejected&q=e2e-forged-1");
  await expect(deliveriesTable(page).getByRole("row")).toHaveCount(2); // header + the refusal
  await page.goto("/webhooks?status=processed&q=e2e-forged-1");
  await expect(page.getByRole("heading", { name: "No deliveries match these filters" })).toBeVisible();
});

test("register a hook on a repository of GitHub; GitHub records it and its ping arrives verified", async ({ page, request }) => {
  await ensureGitHubConnected(page);

  await page.goto("/webhooks/settings");
  await page.getByRole("combobox", { name: "Repository", exact: true }).selectOption("octocat/hello-world");
  await page.getByRole("button", { name: "Register hook" }).click();
  await expect(page.getByText("Hook created on octocat/hello-world; GitHub sends a ping right away.")).toBeVisible();

  const state = (await fakeGitHubState(request)) as unknown as {
    hooks: { id: number; repo: string; events: string[]; config: { url: string; content_type: string } }[];
  };
  const hook = state.hooks.find((candidate) => candidate.repo === "hello-world")!;
  expect(hook.events).toEqual(["push", "pull_request"]);
  expect(hook.config.content_type).toBe("json");
  expect(hook.config.url).toMatch(/\/api\/webhooks\/github\/we_[0-9a-f]+$/);

  // Other specs share this account and send pings of their own (e2e/headers.spec.ts): this repository's only.
  await page.goto("/webhooks");
  const pings = deliveriesTable(page).getByRole("row").filter({ hasText: "ping" }).filter({ hasText: "octocat/hello-world" });
  await expect(pings.first()).toBeVisible();
  await expect(pings.first().getByRole("cell", { name: "yes", exact: true })).toBeVisible();
  await expect(pings.first().getByText("processed")).toBeVisible();
  const before = await pings.count();

  await page.goto("/webhooks/endpoints");
  await page.getByRole("button", { name: "Send ping" }).click();
  await expect(page.getByText("Ping sent; it appears in the log in a moment.")).toBeVisible();
  await page.goto("/webhooks");
  await expect(pings).toHaveCount(before + 1);
});
