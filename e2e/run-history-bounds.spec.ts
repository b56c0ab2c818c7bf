import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakePetstoreUrl } from "./support/fakes";

test("a tool's page stays small after runs with multi-megabyte responses: history keeps a marked preview", async ({ page }) => {
  await signIn(page);
  await page.goto("/tools/api-call");
  const thisRun = page.getByTestId("run-result").getByRole("link", { name: "Open this run" });
  let previousRun: string | null = null;
  for (let run = 1; run <= 3; run++) {
    await page.getByLabel("Endpoint", { exact: true }).fill(`${fakePetstoreUrl}/_fake/large?mb=3&run=${run}`);
    await page.getByRole("button", { name: "Run tool" }).click();
    // The previous run's result stays on screen while this one runs: wait for this run's own.
    if (previousRun) await expect(thisRun).not.toHaveAttribute("href", previousRun);
    await expect(page.getByTestId("run-result")).toContainText("Succeeded");
    await expect(page.getByTestId("json-tree")).toContainText("truncated");
    previousRun = await thisRun.getAttribute("href");
  }
  const response = await page.goto("/tools/api-call");
  const html = await response!.text();
  // Three 3 MB answers: 9 MB (twice over, with the page's data) unbounded; at most 16 KB of preview each here.
  expect(html.length).toBeLessThan(512 * 1024);
  const history = page.getByRole("list", { name: "Run history" });
  await history.getByText("Input and output").first().click();
  await expect(history.getByTestId("history-output").first()).toContainText("truncated");
  await expect(history.getByTestId("history-output").first()).toContainText("bytes");
});
