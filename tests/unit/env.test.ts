import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { databaseDialect, EnvError, loadEnv, parseEnv } from "@/lib/platform/env";
import { checkProviderVariables } from "@/lib/providers/variables";
import { providerSchema } from "@/lib/providers/schema";
import { github } from "@/lib/providers/github";
import { slack } from "@/lib/providers/slack";
import { standardWebhooks } from "@/lib/providers/standard-webhooks";
import { stripe } from "@/lib/providers/stripe";
import { scratchDir } from "../support/scratch";

const key = Buffer.alloc(32, 1).toString("base64");
const secret = "s".repeat(40);

describe("environment", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({});
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.DATA_DIR).toBe("./data");
    expect(env.ALLOW_SIGNUP).toBe(false);
    expect(env.GITHUB_BASE_URL).toBe("https://github.com");
    expect(env.GITHUB_API_URL).toBe("https://api.github.com");
    expect(env.ENCRYPTION_PREVIOUS_KEYS).toEqual([]);
  });

  it("derives the database path from DATABASE_URL or DATA_DIR", () => {
    const dir = scratchDir("env-");
    const base = { AUTH_SECRET: secret, ENCRYPTION_KEY: key };
    expect(loadEnv({ ...base, DATA_DIR: dir }).DATABASE_PATH).toBe(`${dir}/patchbay.db`);
    expect(loadEnv({ ...base, DATABASE_URL: "file:./data/patchbay.db" }).DATABASE_PATH).toBe("./data/patchbay.db");
  });

  it("reads the database dialect from DATABASE_URL: postgres:// or postgresql:// is PostgreSQL, a path SQLite", () => {
    expect(databaseDialect(parseEnv({}))).toBe("sqlite");
    expect(databaseDialect(parseEnv({ DATABASE_URL: "file:./data/patchbay.db" }))).toBe("sqlite");
    expect(databaseDialect(parseEnv({ DATABASE_URL: "/var/lib/patchbay/patchbay.db" }))).toBe("sqlite");
    expect(databaseDialect(parseEnv({ DATABASE_URL: "postgres://patchbay:secret@db.internal:5432/patchbay" }))).toBe("postgres");
    expect(databaseDialect(parseEnv({ DATABASE_URL: "postgresql://patchbay@localhost/patchbay?sslmode=require" }))).toBe("postgres");
    expect(databaseDialect(parseEnv({ DATABASE_URL: "postgresql:///patchbay?host=/var/run/postgresql" }))).toBe("postgres");
  });

  it("runs on PostgreSQL with the keys from the environment, and keeps SQLite for a file", () => {
    const dir = scratchDir("env-");
    const postgres = { DATA_DIR: dir, DATABASE_URL: "postgres://patchbay@localhost:5432/patchbay", AUTH_SECRET: secret, ENCRYPTION_KEY: key };
    const env = loadEnv(postgres);
    expect(env).toMatchObject({
      DATABASE_DIALECT: "postgres",
      DATABASE_URL: postgres.DATABASE_URL,
      DATABASE_PATH: `${dir}/patchbay.db`,
      AUTH_SECRET: secret,
      ENCRYPTION_KEY: key,
    });
    expect(databaseDialect(env)).toBe("postgres");
    expect(existsSync(join(dir, "secrets.json"))).toBe(false);
    expect(loadEnv({ ...postgres, DATABASE_URL: `file:${dir}/patchbay.db` }).DATABASE_DIALECT).toBe("sqlite");
  });

  it.each([
    [
      { AUTH_SECRET: secret },
      "Missing environment variable ENCRYPTION_KEY: with PostgreSQL every process needs the same keys, so set it (openssl rand -base64 32)",
    ],
    [
      { ENCRYPTION_KEY: key },
      "Missing environment variable AUTH_SECRET: with PostgreSQL every process needs the same keys, so set it (openssl rand -base64 32)",
    ],
    [
      {},
      "Missing environment variable AUTH_SECRET and ENCRYPTION_KEY: with PostgreSQL every process needs the same keys, so set them (openssl rand -base64 32)",
    ],
  ])("with PostgreSQL, generates no keys: %o is refused in one line and no secrets.json is written", (keys, message) => {
    const dir = scratchDir("env-");
    const source = { DATA_DIR: dir, DATABASE_URL: "postgresql://patchbay@localhost/patchbay", ...keys };
    expect(() => loadEnv(source)).toThrow(new EnvError(message));
    expect(existsSync(join(dir, "secrets.json"))).toBe(false);
  });

  it.each([
    [{ PORT: "3999" }, "http://localhost:3999"],
    [{ PORT: "3999", HOSTNAME: "127.0.0.1" }, "http://127.0.0.1:3999"],
    [{ HOSTNAME: "patchbay.lan" }, "http://patchbay.lan:3000"],
    [{ PORT: "8080", HOSTNAME: "0.0.0.0" }, "http://localhost:8080"],
    [{ PORT: "8080", HOSTNAME: "::" }, "http://localhost:8080"],
    [{ PORT: "8080", HOSTNAME: "::1" }, "http://[::1]:8080"],
    [{ PORT: "3999", APP_URL: "https://patchbay.example.com" }, "https://patchbay.example.com"],
  ])("derives APP_URL's default from PORT and HOSTNAME: %o -> %s", (source, appUrl) => {
    expect(parseEnv(source).APP_URL).toBe(appUrl);
  });

  it("sizes the intake's budget for bodies being read: 256 MB, at least 4 x WEBHOOK_MAX_BYTES, never below one delivery", () => {
    expect(parseEnv({}).WEBHOOK_INTAKE_MAX_BUFFERED_BYTES).toBe(256 * 1024 * 1024);
    expect(parseEnv({ WEBHOOK_MAX_BYTES: String(100 * 1024 * 1024) }).WEBHOOK_INTAKE_MAX_BUFFERED_BYTES).toBe(400 * 1024 * 1024);
    expect(parseEnv({ WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: "65536", WEBHOOK_MAX_BYTES: "32768" }).WEBHOOK_INTAKE_MAX_BUFFERED_BYTES).toBe(65536);
    expect(() => parseEnv({ WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: "65536" })).toThrow(
      new EnvError(
        "Invalid environment variable WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: expected at least WEBHOOK_MAX_BYTES (26214400), or a delivery of that size would never fit",
      ),
    );
  });

  it("strips a trailing slash from APP_URL and parses booleans", () => {
    const env = parseEnv({ APP_URL: "https://patchbay.example.com/", ALLOW_SIGNUP: "true" });
    expect(env.APP_URL).toBe("https://patchbay.example.com");
    expect(env.ALLOW_SIGNUP).toBe(true);
  });

  it.each([
    ["APP_URL", "not a url", /^Invalid environment variable APP_URL: expected an absolute http\(s\) URL/],
    ["ENCRYPTION_KEY", "c2hvcnQ=", /^Invalid environment variable ENCRYPTION_KEY: expected base64 of 32 random bytes/],
    ["ENCRYPTION_PREVIOUS_KEYS", `${key},nope`, /^Invalid environment variable ENCRYPTION_PREVIOUS_KEYS: expected base64 of 32/],
    ["AUTH_SECRET", "short", /^Invalid environment variable AUTH_SECRET: expected at least 32 characters/],
    ["ALLOW_SIGNUP", "maybe", /^Invalid environment variable ALLOW_SIGNUP/],
    ["LOGIN_MAX_FAILURES", "0", /^Invalid environment variable LOGIN_MAX_FAILURES/],
    ["TRUST_PROXY", "yes", /^Invalid environment variable TRUST_PROXY/],
    ["PORT", "http", /^Invalid environment variable PORT: expected a port number/],
    ["PORT", "70000", /^Invalid environment variable PORT/],
    ["HOSTNAME", "bad host/name", /^Invalid environment variable HOSTNAME: expected a host name or IP address \(or set APP_URL\)/],
    [
      "HTTP_TOOL_ALLOWED_HOSTS",
      "127.0.0.1,http://api.internal",
      /^Invalid environment variable HTTP_TOOL_ALLOWED_HOSTS: expected comma-separated host names or IP addresses/,
    ],
    ["HTTP_TOOL_ALLOWED_HOSTS", "localhost:8080", /^Invalid environment variable HTTP_TOOL_ALLOWED_HOSTS: expected comma-separated host names/],
    ["AGENT_MODEL", "gpt-5-mini", /^Invalid environment variable AGENT_MODEL: expected a model-router id provider\/model/],
    ["AGENT_MODEL_URL", "localhost:11434/v1", /^Invalid environment variable AGENT_MODEL_URL: expected the server's OpenAI-compatible API root/],
    [
      "DATABASE_URL",
      "mysql://patchbay@localhost/patchbay",
      /^Invalid environment variable DATABASE_URL: expected a SQLite file path such as file:\.\/data\/patchbay\.db, or a PostgreSQL URL such as postgres:\/\//,
    ],
    ["DATABASE_URL", "postgres:patchbay", /^Invalid environment variable DATABASE_URL: expected a SQLite file path/],
    ["DATABASE_URL", "postgres://", /^Invalid environment variable DATABASE_URL: expected a SQLite file path/],
    ["WEBHOOK_LEASE_SECONDS", "2", /^Invalid environment variable WEBHOOK_LEASE_SECONDS/],
    ["WEBHOOK_INTAKE_MAX_BUFFERED_BYTES", "a lot", /^Invalid environment variable WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: expected a number of bytes/],
  ])("rejects a bad %s with one line naming it", (name, value, message) => {
    let thrown: Error | undefined;
    try {
      parseEnv({ [name]: value });
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(message);
    expect(thrown?.message).not.toContain("\n");
  });

  it("reads the agent's model settings, trimmed, with an empty value as unset", () => {
    expect(parseEnv({ AGENT_MODEL: " ollama/llama3.2 ", AGENT_MODEL_URL: "http://localhost:11434/v1/", AGENT_MODEL_API_KEY: "" })).toMatchObject({
      AGENT_MODEL: "ollama/llama3.2",
      AGENT_MODEL_URL: "http://localhost:11434/v1",
      AGENT_MODEL_API_KEY: undefined,
    });
    expect(parseEnv({ AGENT_MODEL: "" }).AGENT_MODEL).toBeUndefined();
  });

  it("generates missing secrets once into DATA_DIR/secrets.json with mode 0600", () => {
    const dir = scratchDir("env-");
    const first = loadEnv({ DATA_DIR: dir });
    const second = loadEnv({ DATA_DIR: dir });
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(first.ENCRYPTION_KEY, "base64")).toHaveLength(32);
    expect(second.ENCRYPTION_KEY).toBe(first.ENCRYPTION_KEY);
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    const path = join(dir, "secrets.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ AUTH_SECRET: first.AUTH_SECRET, ENCRYPTION_KEY: first.ENCRYPTION_KEY });
  });

  it("with a SQLite DATABASE_URL and no DATA_DIR, keeps secrets.json beside the database, not in the working directory", () => {
    const dir = scratchDir("env-");
    const env = loadEnv({ DATABASE_URL: `file:${dir}/nested/patchbay.db` });
    const path = join(dir, "nested", "secrets.json");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ AUTH_SECRET: env.AUTH_SECRET, ENCRYPTION_KEY: env.ENCRYPTION_KEY });
    expect(existsSync(join(process.cwd(), "data", "secrets.json")) && statSync(join(process.cwd(), "data", "secrets.json")).mtimeMs > Date.now() - 5000).toBe(
      false,
    );
    // DATA_DIR, when set, still decides.
    const other = scratchDir("env-");
    loadEnv({ DATABASE_URL: `file:${dir}/nested/patchbay.db`, DATA_DIR: other });
    expect(existsSync(join(other, "secrets.json"))).toBe(true);
  });

  it("prefers secrets from the environment and writes no file when both are set", () => {
    const dir = scratchDir("env-");
    const env = loadEnv({ DATA_DIR: dir, AUTH_SECRET: secret, ENCRYPTION_KEY: key });
    expect(env.ENCRYPTION_KEY).toBe(key);
    expect(() => statSync(join(dir, "secrets.json"))).toThrow();
  });
});

describe("variables named by provider declarations", () => {
  const builtIn = [github, slack, stripe, standardWebhooks].map((declaration) => providerSchema.parse(declaration));
  const acme = providerSchema.parse({
    id: "acme",
    name: "Acme CRM",
    urls: { api: { default: "https://api.acme.example", env: "ACME_API_URL" } },
    apiBaseUrl: "{api}/v2",
    apiKey: { env: "ACME_API_KEY", placement: { in: "header", name: "x-api-key" } },
  });

  function problem(source: Record<string, string>): string | undefined {
    try {
      checkProviderVariables([...builtIn, acme], source);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  it("accepts good values and unset ones", () => {
    expect(problem({})).toBeUndefined();
    expect(
      problem({
        SLACK_BASE_URL: "http://127.0.0.1:4010",
        SLACK_API_URL: "https://slack.com/api/",
        STRIPE_API_URL: " https://api.stripe.com ",
        ACME_API_URL: "https://acme.internal/api",
        GITHUB_WEBHOOK_SECRET: "any secret at all",
        SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
        STRIPE_WEBHOOK_SECRET: "whsec_abc123",
        STRIPE_WEBHOOK_SECRET_PREVIOUS: "whsec_old",
        STANDARD_WEBHOOKS_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        STANDARD_WEBHOOKS_SECRET_PREVIOUS: "c2VjcmV0IGJ5dGVzIGhlcmU=",
      }),
    ).toBeUndefined();
  });

  it.each([
    [
      { SLACK_API_URL: "slack.com/api" },
      "Invalid environment variable SLACK_API_URL: expected an absolute http(s) URL for Slack's api origin, e.g. https://slack.com/api",
    ],
    [
      { SLACK_BASE_URL: "ftp://slack.com" },
      "Invalid environment variable SLACK_BASE_URL: expected an http(s) URL, not ftp: for Slack's web origin, e.g. https://slack.com",
    ],
    [
      { STRIPE_API_URL: "not a url" },
      "Invalid environment variable STRIPE_API_URL: expected an absolute http(s) URL for Stripe's api origin, e.g. https://api.stripe.com",
    ],
    [
      { ACME_API_URL: "acme" },
      "Invalid environment variable ACME_API_URL: expected an absolute http(s) URL for Acme CRM's api origin, e.g. https://api.acme.example",
    ],
    [
      { STRIPE_WEBHOOK_SECRET: "sk_live_oops" },
      "Invalid environment variable STRIPE_WEBHOOK_SECRET: expected the endpoint's signing secret, which starts with whsec_",
    ],
    [
      { STRIPE_WEBHOOK_SECRET_PREVIOUS: "whsec_" },
      "Invalid environment variable STRIPE_WEBHOOK_SECRET_PREVIOUS: expected the endpoint's signing secret, which starts with whsec_",
    ],
    [
      { SLACK_SIGNING_SECRET: "two words" },
      "Invalid environment variable SLACK_SIGNING_SECRET: expected the app's signing secret (Basic Information → App Credentials), without spaces",
    ],
    [
      { STANDARD_WEBHOOKS_SECRET: "whsec_not base64!" },
      "Invalid environment variable STANDARD_WEBHOOKS_SECRET: expected base64 of the secret bytes, optionally prefixed with whsec_",
    ],
    [
      { STANDARD_WEBHOOKS_SECRET_PREVIOUS: "whsec_" },
      "Invalid environment variable STANDARD_WEBHOOKS_SECRET_PREVIOUS: expected base64 of the secret bytes, optionally prefixed with whsec_",
    ],
  ])("refuses %o with one line naming the variable", (source, message) => {
    expect(problem(source)).toBe(message);
  });
});
