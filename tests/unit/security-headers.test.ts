import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/platform/env";
import { pagePolicy } from "@/lib/platform/security-headers";
import { proxy } from "@/proxy";

/**
 * The response headers proxy.ts puts on every page and API answer: no framing (the review framed
 * /oauth/authorize from another port and clicked "Allow"), no sniffing, no Referer to other sites,
 * a nonce-based Content-Security-Policy on pages, HSTS only when served over https, and a 400 for
 * an address with a malformed percent-encoding instead of Next's bare 500.
 */

const APP_URL = "http://localhost:3000";

afterEach(() => {
  process.env.APP_URL = APP_URL;
  resetEnvCache();
});

async function signedInCookie(): Promise<string> {
  const salt = "authjs.session-token";
  const value = await encode({ token: { sub: "user-1" }, secret: process.env.AUTH_SECRET!, salt });
  return `${salt}=${value}`;
}

function call(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return proxy(new NextRequest(new URL(path, process.env.APP_URL), { headers }));
}

function directives(policy: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of (policy ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) parsed.set(name, values);
  }
  return parsed;
}

/** The request headers NextResponse.next({ request }) hands on to the page render. */
function forwardedRequestHeader(response: Response, name: string): string | null {
  return response.headers.get(`x-middleware-request-${name}`);
}

describe("security headers on every answer of the proxy", () => {
  const cases: { name: string; path: string; signedIn?: boolean; status: number }[] = [
    { name: "a public page (sign-in)", path: "/sign-in", status: 200 },
    { name: "the consent page, signed in", path: "/oauth/authorize/consent?client_id=x", signedIn: true, status: 200 },
    { name: "the users page, signed in", path: "/users", signedIn: true, status: 200 },
    { name: "a page, signed out (the redirect to sign-in)", path: "/users", status: 307 },
    { name: "an API, signed out (401)", path: "/api/me", status: 401 },
    { name: "a public API", path: "/api/health", status: 200 },
    { name: "an API, signed in", path: "/api/me", signedIn: true, status: 200 },
  ];
  it.each(cases)("$name: no framing, nosniff, Referrer-Policy", async ({ path, signedIn, status }) => {
    const response = await call(path, signedIn ? { cookie: await signedInCookie() } : {});
    expect(response.status).toBe(status);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(directives(response.headers.get("content-security-policy")).get("frame-ancestors")).toEqual(["'none'"]);
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("a page gets a nonce-based policy, also handed to the render so Next stamps its scripts with it", async () => {
    const response = await call("/users", { cookie: await signedInCookie() });
    const policy = response.headers.get("content-security-policy");
    const parsed = directives(policy);
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];
    expect(nonce).toBeDefined();
    expect(nonce!.length).toBeGreaterThanOrEqual(22); // at least 128 random bits
    expect(parsed.get("script-src")).toEqual(expect.arrayContaining([`'nonce-${nonce}'`, "'strict-dynamic'"]));
    expect(parsed.get("script-src")).not.toContain("'unsafe-inline'");
    expect(parsed.get("script-src")).not.toContain("'unsafe-eval'");
    expect(parsed.get("style-src")).toContain(`'nonce-${nonce}'`);
    expect(parsed.get("style-src")).not.toContain("'unsafe-inline'");
    expect(parsed.get("default-src")).toEqual(["'self'"]);
    expect(parsed.get("object-src")).toEqual(["'none'"]);
    expect(parsed.get("base-uri")).toEqual(["'none'"]);
    expect(parsed.get("connect-src")).toEqual(["'self'"]);
    expect(parsed.get("img-src")).toEqual(["'self'", "data:"]); // no third-party host (avatars are initials)
    expect(forwardedRequestHeader(response, "content-security-policy")).toBe(policy);

    const again = await call("/users", { cookie: await signedInCookie() });
    expect(again.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
  });

  it("forms post only to Patchbay, except on the two pages whose forms end on another origin by design", async () => {
    const cookie = await signedInCookie();
    expect(directives((await call("/users", { cookie })).headers.get("content-security-policy")).get("form-action")).toEqual(["'self'"]);
    for (const path of ["/oauth/authorize/consent?client_id=x", "/sign-in", "/invite/some-token"]) {
      expect(directives((await call(path, { cookie })).headers.get("content-security-policy")).has("form-action"), path).toBe(false);
    }
  });

  it("development adds eval for React's error overlay and unnonced styles, and nothing else", () => {
    const production = directives(pagePolicy("n0nce", { pathname: "/", development: false }));
    const development = directives(pagePolicy("n0nce", { pathname: "/", development: true }));
    expect(development.get("script-src")).toEqual([...production.get("script-src")!, "'unsafe-eval'"]);
    expect(development.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    for (const [name, values] of production) if (name !== "script-src" && name !== "style-src") expect(development.get(name), name).toEqual(values);
  });

  it("an API answer gets a policy that allows nothing to load or frame it", async () => {
    const response = await call("/api/me", { cookie: await signedInCookie() });
    expect(directives(response.headers.get("content-security-policy"))).toEqual(
      new Map([
        ["default-src", ["'none'"]],
        ["frame-ancestors", ["'none'"]],
      ]),
    );
  });

  it("sends HSTS when APP_URL is https, and only then", async () => {
    process.env.APP_URL = "https://patchbay.example.com";
    resetEnvCache();
    for (const path of ["/sign-in", "/users", "/api/me"]) {
      const response = await call(path);
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
    }
  });
});

describe("an address with a malformed percent-encoding", () => {
  it.each(["/webhooks/%E0%A4%A", "/runs/%", "/tools/%zz", "/api/runs/%/stream", "/sign-in/%"])(
    "%s is a 400, signed in or not, with the headers",
    async (path) => {
      const signedOut: Record<string, string> = {};
      for (const headers of [signedOut, { cookie: await signedInCookie() }]) {
        const response = await call(path, headers);
        expect(response.status, path).toBe(400);
        expect(response.headers.get("x-frame-options")).toBe("DENY");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      }
    },
  );

  it("a well-formed escape still goes through", async () => {
    const response = await call("/runs/%25", { cookie: await signedInCookie() });
    expect(response.status).toBe(200);
  });
});
