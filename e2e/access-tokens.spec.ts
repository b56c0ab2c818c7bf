import { createHash, randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signIn } from "./support/accounts";
import { ensureGitHubConnected } from "./support/github";

// Each test signs in, connects GitHub and makes several round trips; on a busy two-core machine that can take more than a minute.
test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await ensureGitHubConnected(page);
});

/** One JSON-RPC call to /api/mcp as a 2025-era MCP client sends it. */
function mcp(request: APIRequestContext, token: string, method: string, params: object) {
  return request.post("/api/mcp", {
    headers: { authorization: `Bearer ${token}`, accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
    data: { jsonrpc: "2.0", id: 1, method, params },
  });
}

test("create a token, copy it (shown once), use it over MCP, see the run and last use, revoke it", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/settings/tokens");
  await expect(page.getByRole("heading", { name: "Access tokens", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Give the token a name.")).toBeVisible();

  await page.getByLabel("Name").fill("E2E laptop");
  await page.getByLabel("Scope").selectOption("write");
  await page.getByLabel("Expires").selectOption("never");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Token “E2E laptop” created. Copy it now: it will not be shown again.")).toBeVisible();
  const token = (await page.getByTestId("new-token").textContent())!;
  expect(token).toMatch(/^pbat_[\w-]{43}$/);

  await page.getByRole("button", { name: "Copy the new token" }).click();
  await expect(page.getByRole("button", { name: "Copy the new token" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const row = page.getByTestId("token-row").filter({ hasText: "E2E laptop" });
  await expect(row).toContainText("write");
  await expect(row).toContainText("Never");

  const call = await mcp(request, token, "tools/call", { name: "github-list-user-repos", arguments: { visibility: "all" } });
  expect(call.status()).toBe(200);
  expect(await call.text()).toContain("hello-world");

  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect(row.locator("td").nth(3)).not.toHaveText("Never");

  await page.goto("/tools/github-list-user-repos");
  await expect(page.getByRole("list", { name: "Run history" }).getByTestId("run-trigger").first()).toHaveText("via MCP (E2E laptop)");

  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "Revoke E2E laptop" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "E2E laptop" })).toHaveCount(0);
  const refused = await mcp(request, token, "tools/list", {});
  expect(refused.status()).toBe(401);
  expect(refused.headers()["www-authenticate"]).toContain('error="invalid_token"');
});

test("an MCP client signs in with OAuth: the consent page names it and the scope, and its token is listed under its name", async ({
  page,
  request,
  baseURL,
}) => {
  const callback = "http://127.0.0.1:9/e2e-callback";
  const registered = await request.post("/api/oauth/register", { data: { client_name: "E2E Desktop Client", redirect_uris: [callback] } });
  expect(registered.status()).toBe(201);
  const { client_id } = await registered.json();
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL("/oauth/authorize", baseURL);
  for (const [key, value] of Object.entries({
    client_id,
    redirect_uri: callback,
    response_type: "code",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    scope: "read write",
    state: "e2e-state",
  })) {
    authorize.searchParams.set(key, value);
  }

  // Nothing listens at the client's callback: the browser's arrival there is answered here.
  await page.route(`${callback}**`, (route) => route.fulfill({ contentType: "text/html", body: "<p>Back in the client</p>" }));
  await page.goto(authorize.toString());
  await expect(page.getByRole("heading", { name: "Allow E2E Desktop Client to use Patchbay?" })).toBeVisible();
  await expect(page.getByLabel(/Read and write: run all your tools/)).toBeChecked();
  await page.getByLabel(/Read only: list your tools/).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("Back in the client")).toBeVisible();
  const landed = new URL(page.url());
  expect(landed.searchParams.get("state")).toBe("e2e-state");

  const exchanged = await request.post("/api/oauth/token", {
    form: { grant_type: "authorization_code", code: landed.searchParams.get("code")!, redirect_uri: callback, client_id, code_verifier: verifier },
  });
  expect(exchanged.status()).toBe(200);
  const { access_token, scope } = await exchanged.json();
  expect(scope).toBe("read");
  expect((await mcp(request, access_token, "tools/list", {})).status()).toBe(200);

  await page.goto("/settings/tokens");
  const row = page.getByTestId("token-row").filter({ hasText: "OAuth client: E2E Desktop Client" });
  await expect(row).toContainText("read");
  await row.getByRole("button", { name: "Revoke E2E Desktop Client" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "OAuth client: E2E Desktop Client" })).toHaveCount(0);
  expect((await mcp(request, access_token, "tools/list", {})).status()).toBe(401);
});

test("a bad authorization request is refused on Patchbay's page with 400, signed in or not, and the browser never goes to the client", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const callback = "https://client.invalid/e2e-callback";
  const registered = await request.post("/api/oauth/register", { data: { client_name: "E2E Plain Client", redirect_uris: [callback] } });
  expect(registered.status()).toBe(201);
  const authorize = new URL("/oauth/authorize", baseURL);
  for (const [key, value] of Object.entries({
    client_id: (await registered.json()).client_id,
    redirect_uri: callback,
    response_type: "code",
    code_challenge: "a".repeat(43),
    code_challenge_method: "plain",
  })) {
    authorize.searchParams.set(key, value);
  }
  const signedOut = await browser.newPage(); // a fresh context: no session cookie
  try {
    for (const visitor of [page, signedOut]) {
      let leftForClient = false;
      await visitor.route(`${callback}**`, (route) => {
        leftForClient = true;
        return route.abort();
      });
      const response = await visitor.goto(authorize.toString());
      expect(response?.status()).toBe(400);
      expect(visitor.url()).toBe(authorize.toString());
      await expect(visitor.getByRole("heading", { name: "Authorization refused" })).toBeVisible();
      await expect(visitor.getByRole("alert")).toHaveText("Only the S256 code_challenge_method is supported.");
      // Its style is allowed by the page policy the proxy sets (the request's nonce): the card has its border radius.
      expect(await visitor.locator("section").evaluate((section) => getComputedStyle(section).borderTopLeftRadius)).toBe("12px");
      expect(leftForClient).toBe(false);
    }
  } finally {
    await signedOut.close();
  }
});
