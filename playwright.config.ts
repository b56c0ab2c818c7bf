import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium, MISSING_CHROMIUM } from "./e2e/support/browser.mjs";

// Worker processes load this file again; the port chosen by the main process reaches them
// through the environment, so every process agrees on one server. The ports are chosen together
// (e2e/support/free-port.mjs holds each until all are picked), so no two servers get the same one.
let choices: string[] = [];
function freePort(): string {
  if (choices.length === 0) choices = execFileSync(process.execPath, ["e2e/support/free-port.mjs", "16"], { encoding: "utf8" }).trim().split(" ");
  return choices.shift()!;
}
process.env.E2E_PORT ??= freePort();
process.env.E2E_GITHUB_PORT ??= freePort();
process.env.E2E_OPENWEATHER_PORT ??= freePort();
process.env.E2E_SLACK_PORT ??= freePort();
process.env.E2E_LINEAR_PORT ??= freePort();
process.env.E2E_PETSTORE_PORT ??= freePort();
process.env.E2E_OPENAI_PORT ??= freePort();
process.env.E2E_OAUTH_PORT ??= freePort();
process.env.E2E_SMTP_PORT ??= freePort();
process.env.E2E_SMTP_HTTP_PORT ??= freePort();
process.env.E2E_DESCRIPTIONS_PORT ??= freePort();
const appUrl = `http://127.0.0.1:${process.env.E2E_PORT}`;
/** Fakes of outside services (e2e/fakes), reached through the same variables a deployment sets. */
const fakeGitHub = { url: `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}`, clientId: "e2e-client-id", clientSecret: "e2e-client-secret" };
const fakeOpenWeatherUrl = `http://127.0.0.1:${process.env.E2E_OPENWEATHER_PORT}`;
const fakeSlackUrl = `http://127.0.0.1:${process.env.E2E_SLACK_PORT}`;
const fakeLinearUrl = `http://127.0.0.1:${process.env.E2E_LINEAR_PORT}`;
const fakePetstoreUrl = `http://127.0.0.1:${process.env.E2E_PETSTORE_PORT}`;
const fakeModelUrl = `http://127.0.0.1:${process.env.E2E_OPENAI_PORT}`;
/** Where providers publish their OpenAPI descriptions (raw.githubusercontent.com), played by a static server of the fixtures. */
const fakeDescriptionsUrl = `http://127.0.0.1:${process.env.E2E_DESCRIPTIONS_PORT}`;
/** The configurable OAuth fake (e2e/fakes/oauth-provider.ts), playing Asana as lib/providers/asana.ts declares it (PKCE, one-hour tokens, RFC 7009 revocation). */
const fakeAsana = {
  url: `http://127.0.0.1:${process.env.E2E_OAUTH_PORT}`,
  config: {
    clientId: "e2e-asana-client",
    clientSecret: "e2e-asana-secret",
    paths: {
      authorize: "/-/oauth_authorize",
      token: "/-/oauth_token",
      account: { path: "/api/1.0/users/me", method: "GET" },
      revoke: { path: "/-/oauth_revoke", method: "POST", style: "rfc7009" },
    },
    clientAuth: "client_secret_post",
    pkce: "required",
    refresh: "reused",
    expiresIn: 3600,
    tokenType: "bearer",
    extra: { data: { id: 4673218951, gid: "4673218951", name: "Greg Sanchez", email: "gsanchez@example.com" } },
    tokenHeader: { name: "authorization", prefix: "Bearer " },
    account: { data: { gid: "4673218951", name: "Greg Sanchez", email: "gsanchez@example.com", resource_type: "user" } },
  },
};
/** A real SMTP server (smtp-server) that keeps what it receives; its HTTP side port lists the mail for the specs. */
const mailServer = { user: "patchbay-e2e", password: "e2e-smtp-password", httpUrl: `http://127.0.0.1:${process.env.E2E_SMTP_HTTP_PORT}` };

const browser = findChromium();
if (!browser) {
  console.error(MISSING_CHROMIUM);
  process.exit(1);
}

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  outputDir: "test-results/playwright",
  use: {
    baseURL: appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: browser.path,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    // The first-run spec creates the owner account; every other spec signs in as that owner.
    { name: "first-run", testMatch: "first-run.spec.ts", use: { ...devices["Desktop Chrome"] } },
    { name: "chromium", testIgnore: "first-run.spec.ts", dependencies: ["first-run"], use: { ...devices["Desktop Chrome"] } },
  ],
  // The fakes are TypeScript run by Node itself; the flag is needed before Node 23.6 and harmless after.
  webServer: [
    {
      command: "node --experimental-strip-types e2e/fakes/github.ts",
      url: `${fakeGitHub.url}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_GITHUB_PORT: process.env.E2E_GITHUB_PORT, GITHUB_CLIENT_ID: fakeGitHub.clientId, GITHUB_CLIENT_SECRET: fakeGitHub.clientSecret },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/openweather.ts",
      url: `${fakeOpenWeatherUrl}/data/2.5/weather?q=London&appid=${"0".repeat(32)}`,
      reuseExistingServer: false,
      env: { FAKE_OPENWEATHER_PORT: process.env.E2E_OPENWEATHER_PORT },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/slack.ts",
      url: `${fakeSlackUrl}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_SLACK_PORT: process.env.E2E_SLACK_PORT },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/linear.ts",
      url: `${fakeLinearUrl}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_LINEAR_PORT: process.env.E2E_LINEAR_PORT },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/petstore.ts",
      url: `${fakePetstoreUrl}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_PETSTORE_PORT: process.env.E2E_PETSTORE_PORT },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/openai.ts",
      url: `${fakeModelUrl}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_OPENAI_PORT: process.env.E2E_OPENAI_PORT },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/oauth-provider.ts",
      url: `${fakeAsana.url}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_OAUTH_PORT: process.env.E2E_OAUTH_PORT, FAKE_OAUTH_CONFIG: JSON.stringify(fakeAsana.config) },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/smtp.ts",
      url: `${mailServer.httpUrl}/_fake/mail`,
      reuseExistingServer: false,
      env: {
        FAKE_SMTP_PORT: process.env.E2E_SMTP_PORT,
        FAKE_SMTP_HTTP_PORT: process.env.E2E_SMTP_HTTP_PORT,
        FAKE_SMTP_USER: mailServer.user,
        FAKE_SMTP_PASSWORD: mailServer.password,
      },
    },
    {
      command: "node --experimental-strip-types e2e/fakes/published-descriptions.ts",
      url: `${fakeDescriptionsUrl}/_fake/state`,
      reuseExistingServer: false,
      env: { FAKE_DESCRIPTIONS_PORT: process.env.E2E_DESCRIPTIONS_PORT },
    },
    {
      command: "node e2e/support/start-app.mjs",
      url: `${appUrl}/api/health`,
      reuseExistingServer: false,
      // SIGTERM instead of Playwright's default SIGKILL, so start-app.mjs stops the server and removes its data directory.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        APP_URL: appUrl,
        E2E_PORT: process.env.E2E_PORT,
        GITHUB_BASE_URL: fakeGitHub.url,
        GITHUB_API_URL: fakeGitHub.url,
        GITHUB_CLIENT_ID: fakeGitHub.clientId,
        GITHUB_CLIENT_SECRET: fakeGitHub.clientSecret,
        // "Sign in with GitHub" (and "Join with GitHub" on an invite) against the same fake GitHub.
        AUTH_GITHUB_ID: fakeGitHub.clientId,
        AUTH_GITHUB_SECRET: fakeGitHub.clientSecret,
        OPENWEATHER_API_URL: fakeOpenWeatherUrl,
        ASANA_BASE_URL: fakeAsana.url,
        ASANA_CLIENT_ID: fakeAsana.config.clientId,
        ASANA_CLIENT_SECRET: fakeAsana.config.clientSecret,
        ASANA_OPENAPI_URL: `${fakeDescriptionsUrl}/asana.yaml`,
        GITHUB_WEBHOOK_SECRET: "e2e-github-webhook-secret",
        STRIPE_WEBHOOK_SECRET: "whsec_e2e_stripe_webhook_secret",
        SLACK_API_URL: fakeSlackUrl,
        SLACK_BOT_TOKEN: "xoxb-e2e-slack-bot-token",
        LINEAR_API_URL: fakeLinearUrl,
        LINEAR_API_KEY: "lin_api_e2e0000000000000000000",
        // Imported OpenAPI tools and api-call reach the local fakes only because this allows loopback.
        HTTP_TOOL_ALLOWED_HOSTS: "127.0.0.1",
        // The agent talks to the fake OpenAI-compatible model, scripted by e2e/agent.spec.ts.
        AGENT_MODEL: "openai/gpt-5-mini",
        AGENT_MODEL_URL: `${fakeModelUrl}/v1`,
        AGENT_MODEL_API_KEY: "sk-e2e-agent-key-0123456789",
        // "Forgot password?" mails through the test mail server.
        SMTP_URL: `smtp://${mailServer.user}:${mailServer.password}@127.0.0.1:${process.env.E2E_SMTP_PORT}`,
        MAIL_FROM: "Patchbay <patchbay@patchbay.test>",
      },
    },
  ],
});
