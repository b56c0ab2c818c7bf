import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvError, resetEnvCache } from "@/lib/platform/env";
import { ProviderConfigError, resetProviderRegistry } from "@/lib/providers";
import { checkConfiguration, startServer } from "@/lib/server/startup";
import { scratchDir } from "../support/scratch";

const changed = [
  "SLACK_API_URL",
  "LINEAR_BASE_URL",
  "NOTION_API_URL",
  "OPENWEATHER_API_URL",
  "HTTP_TOOL_ALLOWED_HOSTS",
  "STRIPE_WEBHOOK_SECRET",
  "PROVIDERS_FILE",
  "ACME_API_URL",
  "DATABASE_URL",
  "ENCRYPTION_KEY",
];
const saved = Object.fromEntries(changed.map((name) => [name, process.env[name]]));

function setEnv(values: Record<string, string>): void {
  Object.assign(process.env, values);
  resetEnvCache();
  resetProviderRegistry();
}

afterEach(() => {
  for (const name of changed) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetEnvCache();
  resetProviderRegistry();
  vi.restoreAllMocks();
});

function providersFile(contents: unknown): string {
  const path = join(scratchDir("providers-"), "providers.json");
  writeFileSync(path, JSON.stringify(contents));
  return path;
}

describe("start-up configuration check", () => {
  it("passes with the test configuration", () => {
    const { config, providers } = checkConfiguration();
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(providers.length).toBeGreaterThan(5);
  });

  it.each([
    [{ SLACK_API_URL: "slack.com/api" }, EnvError, /^Invalid environment variable SLACK_API_URL: expected an absolute http\(s\) URL/],
    [{ LINEAR_BASE_URL: "javascript:alert(1)" }, EnvError, /^Invalid environment variable LINEAR_BASE_URL: expected an http\(s\) URL, not javascript:/],
    [{ NOTION_API_URL: "://" }, EnvError, /^Invalid environment variable NOTION_API_URL/],
    [{ OPENWEATHER_API_URL: "api.openweathermap.org" }, EnvError, /^Invalid environment variable OPENWEATHER_API_URL/],
    [{ HTTP_TOOL_ALLOWED_HOSTS: "https://127.0.0.1/" }, EnvError, /^Invalid environment variable HTTP_TOOL_ALLOWED_HOSTS/],
    [{ STRIPE_WEBHOOK_SECRET: "sk_test_123" }, EnvError, /^Invalid environment variable STRIPE_WEBHOOK_SECRET: expected .*whsec_/],
  ])("refuses %o", (values, kind, message) => {
    setEnv(values);
    expect(() => checkConfiguration()).toThrow(kind);
    expect(() => checkConfiguration()).toThrow(message);
  });

  it("checks URL variables that a PROVIDERS_FILE declaration names", () => {
    setEnv({
      PROVIDERS_FILE: providersFile([
        {
          id: "acme",
          name: "Acme CRM",
          urls: { api: { default: "https://api.acme.example", env: "ACME_API_URL" } },
          apiBaseUrl: "{api}/v2",
          apiKey: { env: "ACME_API_KEY", placement: { in: "header", name: "x-api-key" } },
        },
      ]),
      ACME_API_URL: "acme.internal",
    });
    expect(() => checkConfiguration()).toThrow(
      "Invalid environment variable ACME_API_URL: expected an absolute http(s) URL for Acme CRM's api origin, e.g. https://api.acme.example",
    );
    setEnv({ ACME_API_URL: "https://acme.internal" });
    expect(checkConfiguration().providers.map((provider) => provider.id)).toContain("acme");
  });

  it("still refuses a bad PROVIDERS_FILE entry", () => {
    setEnv({ PROVIDERS_FILE: providersFile([{ id: "acme", name: "Acme", apiBaseUrl: "https://x.test" }]) });
    expect(() => checkConfiguration()).toThrow(ProviderConfigError);
  });

  it("with a PostgreSQL DATABASE_URL wants the keys in the environment", () => {
    setEnv({ DATABASE_URL: "postgres://patchbay@127.0.0.1:5432/patchbay" });
    delete process.env.ENCRYPTION_KEY;
    resetEnvCache();
    expect(() => checkConfiguration()).toThrow(EnvError);
    expect(() => checkConfiguration()).toThrow(/^Missing environment variable ENCRYPTION_KEY: with PostgreSQL every process needs the same keys/);
  });

  async function refusal(): Promise<string[]> {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    await expect(startServer()).rejects.toThrow("exit 1");
    expect(exit).toHaveBeenCalledWith(1);
    return errors;
  }

  it("startServer refuses PostgreSQL without the keys in the environment: one line on stderr, then exit code 1", async () => {
    setEnv({ DATABASE_URL: "postgresql://patchbay@127.0.0.1:5432/patchbay" });
    delete process.env.ENCRYPTION_KEY;
    resetEnvCache();
    expect(await refusal()).toEqual([
      "patchbay: Missing environment variable ENCRYPTION_KEY: with PostgreSQL every process needs the same keys, so set it (openssl rand -base64 32)",
    ]);
  });

  it("startServer really refuses: one line on stderr naming the variable, then exit code 1", async () => {
    setEnv({ SLACK_API_URL: "not-a-url" });
    const errors = await refusal();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^patchbay: Invalid environment variable SLACK_API_URL: expected an absolute http\(s\) URL for Slack's api origin, e\.g\. https:\/\/slack\.com\/api$/,
    );
  });
});
