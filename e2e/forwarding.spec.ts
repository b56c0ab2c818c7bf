import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page } from "@playwright/test";
import { pushPayload } from "../tests/support/signers";
import { startReceiver, type Receiver } from "../tests/support/receiver";
import { signIn } from "./support/accounts";

/** Issue 25, item 9: a destination's health, a test event, the receiver's answer on each attempt, replay to another URL with an edited payload. */

const SECRET = "e2e-github-webhook-secret";
let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});
// Leave the shared owner account as it was for the other specs, also when a step failed.
test.afterEach(async ({ page }) => {
  await page.goto("/webhooks/forwarding");
  const destinations = page.getByRole("list", { name: "Destinations" });
  while ((await destinations.count()) > 0 && (await destinations.getByRole("listitem").count()) > 0) {
    const count = await destinations.getByRole("listitem").count();
    page.once("dialog", (dialog) => void dialog.accept());
    await destinations.getByRole("button", { name: "Remove" }).first().click();
    await expect(destinations.getByRole("listitem")).toHaveCount(count - 1);
  }
});
test.beforeEach(async ({ page }) => {
  receiver.received.length = 0;
  receiver.status = 204;
  receiver.answer = undefined;
  await signIn(page);
});

async function sendPush(page: Page, body: string, delivery: string) {
  const response = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": await sign(SECRET, body) },
  });
  expect(response.status()).toBe(202);
}

test("a destination shows its health and the receiver's answer, takes a test event, and a delivery replays to another URL with an edited payload", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/webhooks/forwarding");
  await page.getByLabel("Deliveries of").selectOption({ label: "GitHub (instance URL)" });
  await page.getByLabel("Destination URL").fill(`${receiver.url}/github`);
  await page.getByLabel("Only these events (optional)").fill("push");
  await page.getByRole("button", { name: "Add destination" }).click();
  // The secret verifies what Patchbay sends: it belongs in the receiver.
  await expect(page.getByText("Signing secret, shown once: copy it into the receiver that verifies these requests now.")).toBeVisible();
  receiver.secret = (await page.getByTestId("new-secret").textContent())!.trim();
  const destinations = page.getByRole("list", { name: "Destinations" });
  await expect(destinations).toContainText("No sends in the last 7 days.");

  // The receiver fails, saying why: the attempt keeps the head of its answer.
  receiver.status = 500;
  receiver.answer = JSON.stringify({ error: "database is read-only", detail: "x".repeat(3000) });
  const repository = `octocat/health-${Date.now().toString(36)}`;
  await sendPush(page, pushPayload({ repository }), `e2e-health-${Date.now()}`);
  // The forward is retried on the schedule (5 s first): count by what arrived, not by how many.
  const arrived = (filter: (message: Receiver["received"][number]) => boolean) => receiver.received.filter(filter);
  await expect.poll(() => arrived((message) => message.headers["patchbay-event"] === "push").length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("destination-health").textContent();
    })
    .toContain("database is read-only");
  await expect(page.getByTestId("destination-health")).toContainText(/Success rate \(7 days\)0% of \d+ attempts?/);
  await expect(page.getByTestId("destination-health")).toContainText("Last successnone");

  // A test event, answered this time.
  receiver.status = 200;
  receiver.answer = JSON.stringify({ ok: true });
  await page.getByRole("button", { name: "Send a test event" }).click();
  await expect(page.getByText("Test event queued")).toBeVisible();
  const isTest = (message: Receiver["received"][number]) => message.headers["patchbay-event"] === "patchbay.test";
  await expect.poll(() => arrived(isTest).length).toBe(1);
  expect(arrived(isTest)[0]).toMatchObject({ verified: true, path: "/github" });
  expect(JSON.parse(arrived(isTest)[0]!.body)).toMatchObject({ type: "patchbay.test" });
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("destination-health").textContent();
    })
    .not.toContain("Last successnone");

  // The delivery page shows the answer's head on the attempt, and replays to another URL with an edited payload.
  await page.goto(`/webhooks?q=${encodeURIComponent(repository)}`);
  await page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: repository }).getByRole("link").first().click();
  const forwards = page.getByRole("list", { name: "Forwards" });
  await expect(forwards.getByLabel("The receiver's answer to attempt 1 (first bytes)")).toContainText('{"error":"database is read-only"');
  await page.getByText("Replay to a URL").click();
  await page.getByLabel("Send to (empty: the destination's URL)").fill("http://10.0.0.8/hook");
  await page.getByRole("button", { name: "Send the replay" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "10.0.0.8 is a private, loopback or link-local address" })).toBeVisible();
  await page.getByLabel("Send to (empty: the destination's URL)").fill(`${receiver.url}/elsewhere`);
  await page.getByLabel("Edit the payload first").check();
  const edited = JSON.stringify({ ref: "refs/heads/main", edited: true });
  await page.getByRole("textbox", { name: "Payload", exact: true }).fill(edited);
  await page.getByRole("button", { name: "Send the replay" }).click();
  await expect(page.getByText("Replay queued")).toBeVisible();
  await expect.poll(() => arrived((message) => message.path === "/elsewhere").length).toBe(1);
  expect(arrived((message) => message.path === "/elsewhere")[0]).toMatchObject({ verified: true, body: edited });
  await page.reload();
  await expect(forwards).toContainText("Replay with an edited payload");
  await expect(forwards).toContainText(`${receiver.url}/elsewhere`);
});
