import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv, parseEnv } from "@/lib/env";

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
    const dir = mkdtempSync(join(tmpdir(), "env-"));
    const base = { AUTH_SECRET: secret, ENCRYPTION_KEY: key };
    expect(loadEnv({ ...base, DATA_DIR: dir }).DATABASE_PATH).toBe(`${dir}/patchbay.db`);
    expect(loadEnv({ ...base, DATABASE_URL: "file:./data/patchbay.db" }).DATABASE_PATH).toBe("./data/patchbay.db");
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

  it("generates missing secrets once into DATA_DIR/secrets.json with mode 0600", () => {
    const dir = mkdtempSync(join(tmpdir(), "env-"));
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

  it("prefers secrets from the environment and writes no file when both are set", () => {
    const dir = mkdtempSync(join(tmpdir(), "env-"));
    const env = loadEnv({ DATA_DIR: dir, AUTH_SECRET: secret, ENCRYPTION_KEY: key });
    expect(env.ENCRYPTION_KEY).toBe(key);
    expect(() => statSync(join(dir, "secrets.json"))).toThrow();
  });
});
