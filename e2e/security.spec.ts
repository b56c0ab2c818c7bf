import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakeGitHubUrl } from "./support/fakes";

/**
 * What the outside review did in a browser: open redirects after sign-in, and a form on another
 * origin of the same site (another port of 127.0.0.1) posting text/plain to the JSON import route
 * with the signed-in person's cookie.
 */

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a signed-in visit to /sign-in with a hostile callbackUrl redirects on this origin only", async ({ page, baseURL }) => {
  for (const callbackUrl of ["/.//evil.example", "/..//evil.example", "/%2e//evil.example", "//evil.example", "/\\evil.example"]) {
    const response = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`, { maxRedirects: 0 });
    expect(response.status(), callbackUrl).toBe(307);
    const location = response.headers()["location"]!;
    expect(new URL(location, baseURL).origin, `${callbackUrl} -> ${location}`).toBe(new URL(baseURL!).origin);
    expect(location).not.toMatch(/^\/[/\\]/);
  }
  const kept = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent("/webhooks?status=failed")}`, { maxRedirects: 0 });
  expect(kept.headers()["location"]).toBe("/webhooks?status=failed");
});

test("a text/plain form on another origin of the same site cannot import an API into the signed-in account", async ({ page, baseURL }) => {
  const title = `CSRF probe ${Date.now()}`;
  const description = JSON.stringify({
    openapi: "3.0.3",
    info: { title, version: "1" },
    paths: { "/x": { get: { operationId: "x", responses: { "200": { description: "ok" } } } } },
  });
  // The body a text/plain form sends is "name=value": the name carries the JSON, the value closes it.
  const name = JSON.stringify({ source: { kind: "text", text: description }, serverUrl: "https://api.example", auth: { kind: "none" }, pad: "" }).slice(0, -2);
  // Another origin on the same site: the fake GitHub's port, with the page served by the test itself.
  const attacker = `${fakeGitHubUrl}/attack`;
  await page.route(attacker, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form method="POST" enctype="text/plain" action="${baseURL}/api/openapi/imports"><input type="hidden" name='${name}' value='"}'></form><script>document.forms[0].submit()</script>`,
    }),
  );
  const answered = page.waitForResponse((response) => response.url().endsWith("/api/openapi/imports"));
  await page.goto(attacker);
  const response = await answered;
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe("cross_origin");

  await page.goto("/tools");
  await expect(page.getByRole("link", { name: "Import an OpenAPI description" })).toBeVisible();
  await expect(page.getByText(title)).toHaveCount(0);
});
