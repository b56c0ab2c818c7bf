import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sign } from "@octokit/webhooks-methods";
import { expect, test, type Page, type Response } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakePetstoreUrl } from "./support/fakes";
import { ensureGitHubConnected } from "./support/github";

/**
 * Item 3 of the third outside review: no page could be framed from another origin only because
 * nothing forbade it (a page on another port framed /oauth/authorize, one click on "Allow" gave a
 * write token). Every page now carries frame-ancestors 'none', X-Frame-Options, nosniff, a
 * Referrer-Policy and a nonce-based Content-Security-Policy; this spec visits every page as the
 * owner and fails on any violation of that policy, then frames the pages from another origin.
 */

type Violation = { directive: string; blocked: string; sample: string; page: string };
declare global {
  interface Window {
    __cspViolations?: Violation[];
  }
}

/** Records every CSP violation a page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations!.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample, page: location.pathname });
    });
  });
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Refused to|Content Security Policy/i.test(message.text())) refused.push(`${page.url()}: ${message.text()}`);
  });
  return refused;
}

/** The page's own scripts ran (Next's client runtime set window.next) and it reported no violation. */
async function expectCleanPage(page: Page, refused: string[]): Promise<void> {
  await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version));
  const violations = await page.evaluate(() => window.__cspViolations ?? []);
  expect(violations, `CSP violations on ${page.url()}`).toEqual([]);
  expect(refused, "console errors about the Content-Security-Policy").toEqual([]);
}

function expectSecurityHeaders(response: Response | null, what: string): void {
  expect(response, what).not.toBeNull();
  const headers = response!.headers();
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  const policy = headers["content-security-policy"] ?? "";
  expect(policy, what).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
  expect(policy, what).toMatch(/script-src [^;]*'nonce-[A-Za-z0-9+/=]+'/);
  expect(policy, what).not.toMatch(/script-src [^;]*'unsafe-(inline|eval)'/);
  // The e2e server's APP_URL is http: no HSTS.
  expect(headers["strict-transport-security"], what).toBeUndefined();
}

async function visit(page: Page, refused: string[], path: string): Promise<void> {
  const response = await page.goto(path);
  expectSecurityHeaders(response, path);
  await expectCleanPage(page, refused);
}

async function firstHref(page: Page, selector: string): Promise<string> {
  const href = await page.locator(selector).first().getAttribute("href");
  expect(href, selector).toBeTruthy();
  return href!;
}

async function registerClient(page: Page, baseURL: string): Promise<URL> {
  const callback = "http://127.0.0.1:9/headers-callback";
  const registered = await page.request.post("/api/oauth/register", { data: { client_name: "Framed Client", redirect_uris: [callback] } });
  expect(registered.status()).toBe(201);
  const { client_id } = (await registered.json()) as { client_id: string };
  const authorize = new URL("/oauth/authorize", baseURL);
  const query = {
    client_id,
    redirect_uri: callback,
    response_type: "code",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    scope: "read write",
    state: "headers-state",
  };
  for (const [key, value] of Object.entries(query)) authorize.searchParams.set(key, value);
  return authorize;
}

test("every page, signed out and as the owner, carries the headers and passes its own Content-Security-Policy", async ({ page, baseURL, browser }) => {
  // Signed out: sign-in, forgot password and its link's page, sign-up (closed: the 404 page), a protected page's redirect.
  const anonymous = await browser.newPage();
  const anonymousRefused = await watchViolations(anonymous);
  await visit(anonymous, anonymousRefused, "/sign-in");
  await expect(anonymous.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await visit(anonymous, anonymousRefused, "/forgot-password");
  await expect(anonymous.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await visit(anonymous, anonymousRefused, "/reset-password?token=not-a-token");
  await expect(anonymous.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await visit(anonymous, anonymousRefused, "/sign-up");
  await expect(anonymous.getByRole("heading", { name: "This page could not be found." })).toBeVisible();
  const redirect = await anonymous.request.get("/users", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()["x-frame-options"]).toBe("DENY");
  await anonymous.close();

  const refused = await watchViolations(page);
  await signIn(page);
  await expectCleanPage(page, refused);

  // Something on every page: a connection (its avatar), a delivery, an imported API and a run.
  await ensureGitHubConnected(page);
  const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
  const delivered = await page.request.post("/api/webhooks/github", {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": `headers-${Date.now()}`,
      "x-hub-signature-256": await sign("e2e-github-webhook-secret", body),
    },
  });
  expect(delivered.status()).toBe(202);

  // The import page uploads with fetch (connect-src) and renders the preview.
  const description = JSON.parse(await (await page.request.get(`${fakePetstoreUrl}/openapi.json`)).text()) as { info: { title: string } };
  description.info.title = "Framing Probe Pets";
  await visit(page, refused, "/tools/import");
  await page.getByLabel("OpenAPI description (JSON or YAML)").fill(JSON.stringify(description));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-count")).toContainText("4 operations");
  await page.getByLabel("Key or token", { exact: true }).fill("pet-key-0001");
  await page.getByRole("button", { name: /^Import \(/ }).click();
  await expect(page.getByText(/Imported 4 operations from Framing Probe Pets/)).toBeVisible();
  await expectCleanPage(page, refused);

  await visit(page, refused, "/tools");
  const apiPage = await firstHref(page, "main a[href^='/tools/apis/']");
  const toolPage = await firstHref(page, "main a[href^='/tools/framing-probe-pets.listPets'], main a[href*='.listPets']");
  await visit(page, refused, apiPage);
  // A server action from a generated form.
  await visit(page, refused, toolPage);
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  await expectCleanPage(page, refused);

  await visit(page, refused, "/webhooks");
  await expect(page.getByTestId("live-status")).toHaveText("Live"); // the SSE stream (connect-src)
  const deliveryPage = await firstHref(page, "main table a[href^='/webhooks/']");
  await visit(page, refused, "/runs");
  const runPage = await firstHref(page, "main a[href^='/runs/']");
  await visit(page, refused, "/workflows");
  const workflowPage = await firstHref(page, "main a[href^='/workflows/']");

  const pages = [
    "/",
    "/connections",
    deliveryPage,
    "/webhooks/forwarding",
    "/webhooks/endpoints",
    "/webhooks/settings",
    "/tools/api-call",
    workflowPage,
    runPage,
    "/account",
    "/alerts",
    "/agent",
    "/settings/tokens",
    "/users",
    "/no-such-page",
  ];
  for (const path of pages) await visit(page, refused, path);
  await expect(page.getByTestId("live-status")).toHaveCount(0);

  await visit(page, refused, (await registerClient(page, baseURL!)).toString());
  await expect(page.getByRole("heading", { name: "Allow Framed Client to use Patchbay?" })).toBeVisible();
});

test("without JavaScript, Allow on the consent page still reaches the client (no form-action there)", async ({ page, baseURL, browser }) => {
  await signIn(page);
  const authorize = await registerClient(page, baseURL!);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const noScript = await context.newPage();
  await noScript.route(`${authorize.searchParams.get("redirect_uri")}**`, (route) =>
    route.fulfill({ contentType: "text/html", body: "<p>Back in the client</p>" }),
  );
  await noScript.goto(authorize.toString());
  await noScript.getByRole("button", { name: "Allow" }).click();
  await expect(noScript.getByText("Back in the client")).toBeVisible();
  expect(new URL(noScript.url()).searchParams.get("state")).toBe("headers-state");
  await context.close();
});

test.describe("framed by a page on another origin of the same site", () => {
  let attacker: Server;
  let attackerUrl = "";
  let frames: Record<string, string> = {};

  test.beforeAll(async () => {
    // Another port of 127.0.0.1: the same site, so the session cookie goes with the framed request.
    attacker = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(
        `<!doctype html><title>attacker</title><script>window.loaded = []</script>` +
          Object.entries(frames)
            .map(
              ([name, src]) =>
                `<iframe name="${name}" src="${src.replaceAll("&", "&amp;")}" width="800" height="600" onload="window.loaded.push('${name}')"></iframe>`,
            )
            .join(""),
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });

  test.afterAll(async () => {
    await new Promise((resolve) => attacker.close(resolve));
  });

  test("/oauth/authorize and /users do not render inside the frame", async ({ page, baseURL }) => {
    await signIn(page);
    const authorize = await registerClient(page, baseURL!);
    frames = { consent: authorize.toString(), users: new URL("/users", baseURL).toString() };
    await page.goto(attackerUrl);
    // An iframe's load event fires once its document (or the browser's refusal in its place) is in.
    await page.waitForFunction(() => (window as unknown as { loaded: string[] }).loaded.length === 2);

    for (const name of Object.keys(frames)) {
      const frame = page.frame({ name });
      expect(frame, name).not.toBeNull();
      await expect(frame!.getByRole("button", { name: "Allow" }), `${name} frame`).toHaveCount(0);
      await expect(frame!.getByTestId("signed-in-user"), `${name} frame`).toHaveCount(0);
      expect(frame!.url(), `${name} frame`).not.toContain(new URL(baseURL!).host);
    }
  });
});

test("an address with a malformed percent-encoding is answered 400 or 404, never 500", async ({ page }) => {
  await signIn(page);
  const paths = [
    "/webhooks/%E0%A4%A",
    "/runs/%",
    "/tools/%",
    "/tools/apis/%zz",
    "/workflows/%E0%A4%A",
    "/%",
    "/users/%",
    "/api/runs/%/stream",
    "/api/connections/%/authorize",
    "/api/agent/conversations/%/messages",
  ];
  for (const path of paths) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect([400, 404], `${path} answered ${response.status()}`).toContain(response.status());
  }
  // Webhook intake (server.ts, ahead of Next) takes only POST.
  const intake = await page.request.post("/api/webhooks/github/%E0%A4%A", { data: "{}", headers: { "content-type": "application/json" } });
  expect([400, 404], `intake answered ${intake.status()}`).toContain(intake.status());
  const signedOut = await page.request.get("/runs/%", { maxRedirects: 0, headers: { cookie: "" } });
  expect([400, 404]).toContain(signedOut.status());
});
