import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import * as endpointRoute from "@/app/api/webhooks/[provider]/[endpointId]/route";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { createLocalUser } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { githubHeaders, slackHeaders, standardHeaders, stripeHeaders } from "../support/signers";

/**
 * The hostile-input suite for webhook intake: every case expects one precise answer, and after
 * each case a normal signed GitHub push is still accepted (the intake keeps answering).
 */

const GITHUB_SECRET = "hostile-github-secret";
const STRIPE_SECRET = "whsec_hostile_stripe";
const SLACK_SECRET = "hostile-slack-signing-secret";
const STANDARD_SECRET = `whsec_${Buffer.from("hostile standard secret, 32 bytes").toString("base64")}`;
const MAX_BYTES = 4096;

let ownerId: string;
let accepted = 0;

type Body = string | Uint8Array | ReadableStream<Uint8Array>;

function post(path: string, body: Body, headers: Record<string, string>): Promise<Response> {
  const [, , , provider, endpointId] = path.split("/");
  const request = new Request(`http://localhost:3000${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return endpointId
    ? endpointRoute.POST(request, { params: Promise.resolve({ provider: provider!, endpointId }) })
    : instanceRoute.POST(request, { params: Promise.resolve({ provider: provider! }) });
}

function rows() {
  return db().select().from(webhookDeliveries).where(eq(webhookDeliveries.workspaceId, DEFAULT_WORKSPACE_ID));
}

/** A small signed push (under the test cap) that must always be accepted. */
function smallPush(): string {
  return JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octocat/hello-world" }, commits: [] });
}

async function expectStillAnswering(): Promise<void> {
  const body = smallPush();
  const response = await post("/api/webhooks/github", body, await githubHeaders(GITHUB_SECRET, body, "push", `alive-${++accepted}`));
  expect(response.status).toBe(202);
}

async function expectRefusal(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  const answer = (await response.json()) as { error?: { code: string; message: string } };
  expect(answer.error?.code).toBe(code);
  expect(response.headers.get("cache-control")).toBe("no-store");
}

const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  ownerId = (await createLocalUser({ name: "Owner", email: "owner-hostile@example.com", password: "a long enough password" }, "owner", true)).id;
  process.env.GITHUB_WEBHOOK_SECRET = GITHUB_SECRET;
  process.env.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET;
  process.env.SLACK_SIGNING_SECRET = SLACK_SECRET;
  process.env.STANDARD_WEBHOOKS_SECRET = STANDARD_SECRET;
  process.env.WEBHOOK_MAX_BYTES = String(MAX_BYTES);
  process.env.WEBHOOK_REJECTED_CAP = "1000";
  resetEnvCache();
});

afterAll(() => {
  for (const name of [
    "GITHUB_WEBHOOK_SECRET",
    "STRIPE_WEBHOOK_SECRET",
    "SLACK_SIGNING_SECRET",
    "STANDARD_WEBHOOKS_SECRET",
    "WEBHOOK_MAX_BYTES",
    "WEBHOOK_REJECTED_CAP",
  ]) {
    delete process.env[name];
  }
  resetEnvCache();
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

type Case = [label: string, headers: (body: string) => Promise<Record<string, string>> | Record<string, string>, status: number, code: string];

const github = async (body: string, signature?: string | null): Promise<Record<string, string>> => {
  const headers = await githubHeaders(GITHUB_SECRET, body);
  if (signature === null) delete headers["x-hub-signature-256"];
  else if (signature !== undefined) headers["x-hub-signature-256"] = signature;
  return headers;
};

describe("GitHub signatures (X-Hub-Signature-256)", () => {
  const cases: Case[] = [
    ["missing", (body) => github(body, null), 400, "missing_signature"],
    ["empty", (body) => github(body, ""), 400, "missing_signature"],
    ["truncated by one hex digit", async (body) => github(body, (await github(body))["x-hub-signature-256"]!.slice(0, -1)), 401, "invalid_signature"],
    ["non-hex", (body) => github(body, `sha256=${"z".repeat(64)}`), 401, "invalid_signature"],
    [
      "upper-case hex of the right signature",
      async (body) => github(body, `sha256=${(await github(body))["x-hub-signature-256"]!.slice(7).toUpperCase()}`),
      401,
      "invalid_signature",
    ],
    ["wrong prefix (sha1=)", async (body) => github(body, (await github(body))["x-hub-signature-256"]!.replace("sha256=", "sha1=")), 401, "invalid_signature"],
    ["no prefix", async (body) => github(body, (await github(body))["x-hub-signature-256"]!.slice(7)), 401, "invalid_signature"],
    ["over-long (one extra hex digit)", async (body) => github(body, `${(await github(body))["x-hub-signature-256"]!}0`), 401, "invalid_signature"],
    ["over-long (8 KB)", (body) => github(body, `sha256=${"a".repeat(8192)}`), 401, "invalid_signature"],
    ["well-formed but from another secret", (body) => githubHeaders("another secret", body), 401, "invalid_signature"],
    ["well-formed, all zeros", (body) => github(body, `sha256=${"0".repeat(64)}`), 401, "invalid_signature"],
  ];
  it.each(cases)("%s -> precise refusal, logged, intake keeps answering", async (_label, headers, status, code) => {
    const body = smallPush();
    await expectRefusal(await post("/api/webhooks/github", body, await headers(body)), status, code);
    expect(await rows()).toMatchObject([{ status: "rejected", verified: false }]);
    await expectStillAnswering();
  });

  it("a body changed by one byte after signing -> 401", async () => {
    const body = smallPush();
    const headers = await githubHeaders(GITHUB_SECRET, body);
    await expectRefusal(await post("/api/webhooks/github", body.replace("main", "mair"), headers), 401, "invalid_signature");
    await expectStillAnswering();
  });
});

const stripe = (body: string, header?: string | null): Record<string, string> => {
  const headers = stripeHeaders(STRIPE_SECRET, body);
  if (header === null) delete headers["stripe-signature"];
  else if (header !== undefined) headers["stripe-signature"] = header;
  return headers;
};
const stripeV1 = (body: string, timestamp = now()) => stripeHeaders(STRIPE_SECRET, body, timestamp)["stripe-signature"]!.split(",")[1]!.slice(3);

describe("Stripe signatures (Stripe-Signature)", () => {
  const cases: Case[] = [
    ["missing", (body) => stripe(body, null), 400, "missing_signature"],
    ["empty", (body) => stripe(body, ""), 400, "missing_signature"],
    ["truncated", (body) => stripe(body, `t=${now()},v1=${stripeV1(body).slice(0, -1)}`), 401, "invalid_signature"],
    ["non-hex", (body) => stripe(body, `t=${now()},v1=${"g".repeat(64)}`), 401, "invalid_signature"],
    ["wrong scheme prefix (v0=)", (body) => stripe(body, `t=${now()},v0=${stripeV1(body)}`), 401, "invalid_signature"],
    ["over-long (8 KB)", (body) => stripe(body, `t=${now()},v1=${"a".repeat(8192)}`), 401, "invalid_signature"],
    ["no timestamp", (body) => stripe(body, `v1=${stripeV1(body)}`), 401, "invalid_signature"],
    ["garbage", (body) => stripe(body, "garbage;;=,,t=,v1="), 401, "invalid_signature"],
    ["stale timestamp (1 h old)", (body) => stripeHeaders(STRIPE_SECRET, body, now() - 3600), 401, "invalid_signature"],
    ["future timestamp (1 h ahead)", (body) => stripeHeaders(STRIPE_SECRET, body, now() + 3600), 401, "invalid_signature"],
    [
      "a fresh t= ahead of the signed one (t=now,t=now+1d,v1=<signature over now+1d>)",
      (body) => stripe(body, `t=${now()},t=${now() + 86_400},v1=${stripeV1(body, now() + 86_400)}`),
      401,
      "invalid_signature",
    ],
  ];
  it.each(cases)("%s -> precise refusal, intake keeps answering", async (_label, headers, status, code) => {
    const body = JSON.stringify({ id: "evt_hostile", object: "event", type: "invoice.paid", data: { object: {} } });
    await expectRefusal(await post("/api/webhooks/stripe", body, await headers(body)), status, code);
    await expectStillAnswering();
  });

  it("names the reason for a stale and a future timestamp", async () => {
    const body = JSON.stringify({ id: "evt_time", type: "invoice.paid" });
    for (const offset of [-3600, 3600]) {
      const response = await post("/api/webhooks/stripe", body, stripeHeaders(STRIPE_SECRET, body, now() + offset));
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/tolerance/);
    }
  });
});

const slack = (body: string, signature?: string | null, timestamp: string | null = String(now())): Record<string, string> => {
  const headers = slackHeaders(SLACK_SECRET, body, Number(timestamp ?? now()));
  if (signature === null) delete headers["x-slack-signature"];
  else if (signature !== undefined) headers["x-slack-signature"] = signature;
  if (timestamp === null) delete headers["x-slack-request-timestamp"];
  else headers["x-slack-request-timestamp"] = timestamp;
  return headers;
};

describe("Slack signatures (X-Slack-Signature, X-Slack-Request-Timestamp)", () => {
  const cases: Case[] = [
    ["missing signature", (body) => slack(body, null), 400, "missing_signature"],
    ["empty signature", (body) => slack(body, ""), 400, "missing_signature"],
    ["missing timestamp", (body) => slack(body, undefined, null), 400, "missing_signature"],
    ["truncated", (body) => slack(body, slack(body)["x-slack-signature"]!.slice(0, -1)), 401, "invalid_signature"],
    ["non-hex", (body) => slack(body, `v0=${"q".repeat(64)}`), 401, "invalid_signature"],
    ["wrong prefix (v1=)", (body) => slack(body, slack(body)["x-slack-signature"]!.replace("v0=", "v1=")), 401, "invalid_signature"],
    ["over-long (8 KB)", (body) => slack(body, `v0=${"a".repeat(8192)}`), 401, "invalid_signature"],
    ["another secret", (body) => slackHeaders("not the slack secret", body), 401, "invalid_signature"],
    ["stale timestamp (10 min old)", (body) => slackHeaders(SLACK_SECRET, body, now() - 600), 401, "invalid_signature"],
    ["future timestamp (10 min ahead)", (body) => slackHeaders(SLACK_SECRET, body, now() + 600), 401, "invalid_signature"],
    ["non-numeric timestamp", (body) => ({ ...slack(body), "x-slack-request-timestamp": "1e9" }), 401, "invalid_signature"],
    ["negative timestamp", (body) => ({ ...slack(body), "x-slack-request-timestamp": "-1" }), 401, "invalid_signature"],
  ];
  it.each(cases)("%s -> precise refusal, intake keeps answering", async (_label, headers, status, code) => {
    const body = JSON.stringify({ type: "event_callback", event_id: "Ev1", event: { type: "message" } });
    await expectRefusal(await post("/api/webhooks/slack", body, await headers(body)), status, code);
    await expectStillAnswering();
  });

  it("a url_verification challenge without a signature is refused (400) and not answered", async () => {
    const body = JSON.stringify({ token: "t", challenge: "secret-challenge-value", type: "url_verification" });
    const response = await post("/api/webhooks/slack", body, { "content-type": "application/json" });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain("secret-challenge-value");
    expect(await rows()).toMatchObject([{ status: "rejected", verified: false }]);
    await expectStillAnswering();
  });

  it("a url_verification challenge with a bad signature is refused (401)", async () => {
    const body = JSON.stringify({ token: "t", challenge: "secret-challenge-value", type: "url_verification" });
    const response = await post("/api/webhooks/slack", body, slackHeaders("wrong", body));
    await expectRefusal(response, 401, "invalid_signature");
  });
});

const standard = (body: string, patch: Record<string, string | null> = {}, id?: string, at?: Date): Record<string, string> => {
  const headers = standardHeaders(STANDARD_SECRET, body, id, at);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return headers;
};
const standardSignature = (body: string) => standardHeaders(STANDARD_SECRET, body)["webhook-signature"]!;

describe("Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature)", () => {
  const cases: Case[] = [
    ["missing signature", (body) => standard(body, { "webhook-signature": null }), 400, "missing_signature"],
    ["empty signature", (body) => standard(body, { "webhook-signature": "" }), 400, "missing_signature"],
    ["missing webhook-id", (body) => standard(body, { "webhook-id": null }), 400, "missing_signature"],
    ["missing timestamp", (body) => standard(body, { "webhook-timestamp": null }), 400, "missing_signature"],
    [
      "truncated",
      (body) => {
        const headers = standard(body);
        return { ...headers, "webhook-signature": headers["webhook-signature"]!.slice(0, -4) };
      },
      401,
      "invalid_signature",
    ],
    ["non-base64", (body) => standard(body, { "webhook-signature": "v1,%%%%not-base64%%%%" }), 401, "invalid_signature"],
    [
      "wrong prefix (v2,)",
      (body) => {
        const headers = standard(body);
        return { ...headers, "webhook-signature": headers["webhook-signature"]!.replace(/^v1,/, "v2,") };
      },
      401,
      "invalid_signature",
    ],
    ["over-long (8 KB)", (body) => standard(body, { "webhook-signature": `v1,${"A".repeat(8192)}` }), 401, "invalid_signature"],
    ["signed for another webhook-id", (body) => ({ ...standard(body), "webhook-id": "msg_other" }), 401, "invalid_signature"],
    ["stale timestamp (1 h old)", (body) => standard(body, {}, undefined, new Date(Date.now() - 3_600_000)), 401, "invalid_signature"],
    ["future timestamp (1 h ahead)", (body) => standard(body, {}, undefined, new Date(Date.now() + 3_600_000)), 401, "invalid_signature"],
    ["non-numeric timestamp", (body) => standard(body, { "webhook-timestamp": "soon" }), 401, "invalid_signature"],
  ];
  it.each(cases)("%s -> precise refusal, intake keeps answering", async (_label, headers, status, code) => {
    const body = JSON.stringify({ type: "email.delivered", data: { to: "a@example.com" } });
    expect(standardSignature(body)).toMatch(/^v1,/);
    await expectRefusal(await post("/api/webhooks/standard", body, await headers(body)), status, code);
    await expectStillAnswering();
  });
});

describe("replays", () => {
  it("a replayed GitHub delivery id is acknowledged once as a duplicate (200) and stored once", async () => {
    const body = smallPush();
    const headers = await githubHeaders(GITHUB_SECRET, body, "push", "replayed-delivery");
    expect((await post("/api/webhooks/github", body, headers)).status).toBe(202);
    for (let index = 0; index < 5; index++) {
      const again = await post("/api/webhooks/github", body, headers);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ duplicate: true });
    }
    expect((await rows()).filter((row) => row.deliveryId === "replayed-delivery")).toHaveLength(1);
    await expectStillAnswering();
  });

  it("a replayed Standard Webhooks message id is stored once", async () => {
    const body = JSON.stringify({ type: "email.sent", data: {} });
    const headers = standard(body, {}, "msg_replayed");
    expect((await post("/api/webhooks/standard", body, headers)).status).toBe(202);
    expect((await post("/api/webhooks/standard", body, headers)).status).toBe(200);
    expect((await rows()).filter((row) => row.deliveryId === "msg_replayed")).toHaveLength(1);
  });

  it("a replayed Stripe event id under the same signature is stored once", async () => {
    const body = JSON.stringify({ id: "evt_replayed", object: "event", type: "invoice.paid", data: { object: {} } });
    const headers = stripe(body);
    expect((await post("/api/webhooks/stripe", body, headers)).status).toBe(202);
    expect((await post("/api/webhooks/stripe", body, headers)).status).toBe(200);
    expect((await rows()).filter((row) => row.deliveryId === "evt_replayed")).toHaveLength(1);
  });
});

function dribble(bytes: Uint8Array, chunk: number, delayMs: number, onPull?: () => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      onPull?.();
      if (offset >= bytes.length) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      controller.enqueue(bytes.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

describe("body size and slow bodies", () => {
  const padded = (size: number) => {
    const prefix = '{"ref":"refs/heads/main","pad":"';
    return `${prefix}${"x".repeat(size - prefix.length - 2)}"}`;
  };

  it("a body of exactly WEBHOOK_MAX_BYTES is accepted", async () => {
    const body = padded(MAX_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BYTES);
    expect((await post("/api/webhooks/github", body, await githubHeaders(GITHUB_SECRET, body))).status).toBe(202);
  });

  it("one byte over the cap, with Content-Length -> 413, logged without the body", async () => {
    const body = padded(MAX_BYTES + 1);
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body)), "content-length": String(MAX_BYTES + 1) };
    await expectRefusal(await post("/api/webhooks/github", body, headers), 413, "payload_too_large");
    expect(await rows()).toMatchObject([{ status: "rejected", bodyBytes: MAX_BYTES + 1 }]);
    await expectStillAnswering();
  });

  it("one byte over the cap, streamed without Content-Length -> 413", async () => {
    const body = Buffer.from(padded(MAX_BYTES + 1));
    await expectRefusal(
      await post("/api/webhooks/github", dribble(body, 1024, 0), await githubHeaders(GITHUB_SECRET, body.toString())),
      413,
      "payload_too_large",
    );
    await expectStillAnswering();
  });

  it("a slow, signed body (dribbled in 64-byte chunks) is accepted, and the intake answers others meanwhile", async () => {
    const body = Buffer.from(padded(2048));
    const slow = post("/api/webhooks/github", dribble(body, 64, 5), await githubHeaders(GITHUB_SECRET, body.toString(), "push", "slow-one"));
    const started = Date.now();
    await expectStillAnswering(); // answered while the slow body is still arriving
    expect(Date.now() - started).toBeLessThan(100);
    expect((await slow).status).toBe(202);
    expect((await rows()).map((row) => row.deliveryId)).toContain("slow-one");
  });

  it("a slow body that never ends is cut off at the cap (413) without reading the rest", async () => {
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulls++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    await expectRefusal(await post("/api/webhooks/github", endless, await githubHeaders(GITHUB_SECRET, "{}")), 413, "payload_too_large");
    expect(pulls).toBeLessThanOrEqual(MAX_BYTES / 512 + 3);
    await expectStillAnswering();
  });
});

describe("bad payloads behind a valid signature", () => {
  const signRaw = (body: Buffer) => `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
  const rawHeaders = (body: Buffer, contentType = "application/json") => ({
    "content-type": contentType,
    "x-github-event": "push",
    "x-github-delivery": crypto.randomUUID(),
    "x-hub-signature-256": signRaw(body),
  });

  it("invalid UTF-8 outside a string (signed over the raw bytes) -> 400 unparseable_payload", async () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('{"ref":"x"}')]);
    await expectRefusal(await post("/api/webhooks/github", new Uint8Array(body), rawHeaders(body)), 400, "unparseable_payload");
    expect(await rows()).toMatchObject([{ status: "rejected", verified: true }]);
    await expectStillAnswering();
  });

  // Decoded strictly: replacement characters would make the stored body differ from the signed bytes.
  it("invalid UTF-8 inside a JSON string (signed over the raw bytes) -> 400 unparseable_payload", async () => {
    const body = Buffer.concat([Buffer.from('{"ref":"'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('"}')]);
    await expectRefusal(await post("/api/webhooks/github", new Uint8Array(body), rawHeaders(body)), 400, "unparseable_payload");
    await expectStillAnswering();
  });

  it("a lone UTF-16 surrogate escaped in JSON is valid JSON and stored verbatim", async () => {
    const body = Buffer.from('{"ref":"\\ud800"}');
    expect((await post("/api/webhooks/github", new Uint8Array(body), rawHeaders(body))).status).toBe(202);
    expect((await rows())[0]!.body).toBe('{"ref":"\\ud800"}');
  });

  it("a JSON bomb (100,000 nested arrays) -> accepted and stored as sent; parsing and processing do not blow the stack", async () => {
    process.env.WEBHOOK_MAX_BYTES = String(1024 * 1024);
    resetEnvCache();
    try {
      const depth = 100_000;
      const body = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const response = await post("/api/webhooks/github", body, await githubHeaders(GITHUB_SECRET, body, "push", "bomb"));
      expect(response.status).toBe(202);
      const [row] = (await rows()).filter((candidate) => candidate.deliveryId === "bomb");
      expect(row!.body.length).toBe(2 * depth);
      expect(row!.repository).toBeNull();
      // The dispatcher picks it up like any push and finishes it without a crash.
      await processDueDeliveries({ handle: async () => ({ note: "recorded" }) });
      const attempts = await db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, row!.id));
      expect(attempts).toHaveLength(1);
      const objects = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
      expect((await post("/api/webhooks/github", objects, await githubHeaders(GITHUB_SECRET, objects, "push", "bomb-objects"))).status).toBe(202);
    } finally {
      process.env.WEBHOOK_MAX_BYTES = String(MAX_BYTES);
      resetEnvCache();
    }
    await expectStillAnswering();
  });

  it("a validly signed Stripe body that is not JSON -> 400 unparseable_payload (was 401: the library parsed it)", async () => {
    const body = "not json at all";
    await expectRefusal(await post("/api/webhooks/stripe", body, stripe(body)), 400, "unparseable_payload");
    expect(await rows()).toMatchObject([{ status: "rejected", verified: true }]);
  });

  it("a validly signed Standard Webhooks body that is not JSON -> 400 unparseable_payload (was 401)", async () => {
    const body = "<not-json/>";
    await expectRefusal(await post("/api/webhooks/standard", body, standard(body)), 400, "unparseable_payload");
    expect(await rows()).toMatchObject([{ status: "rejected", verified: true }]);
  });

  it("a Stripe body that is not UTF-8 -> 401 (Stripe signs text; the bytes are not what it signed)", async () => {
    const body = Buffer.from([0x7b, 0xff, 0x7d]);
    const headers = stripeHeaders(STRIPE_SECRET, body.toString("utf8"));
    await expectRefusal(await post("/api/webhooks/stripe", new Uint8Array(body), headers), 401, "invalid_signature");
    await expectStillAnswering();
  });

  it("a validly signed empty body -> 400 unparseable_payload", async () => {
    const headers = { ...(await githubHeaders(GITHUB_SECRET, "{}")), "x-hub-signature-256": signRaw(Buffer.alloc(0)) };
    await expectRefusal(await post("/api/webhooks/github", "", headers), 400, "unparseable_payload");
    await expectStillAnswering();
  });
});

describe("content types", () => {
  it("form-encoded content type with a JSON body (no payload= field) -> 400 unparseable_payload", async () => {
    const body = smallPush();
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body)), "content-type": "application/x-www-form-urlencoded" };
    await expectRefusal(await post("/api/webhooks/github", body, headers), 400, "unparseable_payload");
    await expectStillAnswering();
  });

  it("form-encoded payload= that is not JSON -> 400 unparseable_payload", async () => {
    const body = new URLSearchParams({ payload: "<xml/>" }).toString();
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body)), "content-type": "application/x-www-form-urlencoded" };
    await expectRefusal(await post("/api/webhooks/github", body, headers), 400, "unparseable_payload");
  });

  it("text/xml with an XML body -> 400 unparseable_payload", async () => {
    const body = "<push><ref>main</ref></push>";
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body)), "content-type": "text/xml" };
    await expectRefusal(await post("/api/webhooks/github", body, headers), 400, "unparseable_payload");
  });

  it("multipart/form-data with a multipart body -> 400 unparseable_payload", async () => {
    const body = '--x\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{}\r\n--x--';
    const headers = { ...(await githubHeaders(GITHUB_SECRET, body)), "content-type": "multipart/form-data; boundary=x" };
    await expectRefusal(await post("/api/webhooks/github", body, headers), 400, "unparseable_payload");
  });

  it("an unsigned body with no content type at all -> 400 missing_signature", async () => {
    await expectRefusal(await post("/api/webhooks/github", "{}", {}), 400, "missing_signature");
    await expectStillAnswering();
  });
});

describe("unknown providers and endpoints", () => {
  it.each([
    ["an unknown provider", "/api/webhooks/nope"],
    ["a provider id with odd characters", "/api/webhooks/GitHub%00"],
    ["a provider without webhooks", "/api/webhooks/openweather"],
    ["an unknown endpoint id", "/api/webhooks/github/we_doesnotexist00000000"],
    ["a malformed endpoint id", "/api/webhooks/github/..%2F..%2Fetc%2Fpasswd"],
    ["an over-long endpoint id", `/api/webhooks/github/we_${"a".repeat(5000)}`],
  ])("%s -> 404 unknown_endpoint, nothing stored", async (_label, path) => {
    const body = smallPush();
    await expectRefusal(await post(path, body, await githubHeaders(GITHUB_SECRET, body)), 404, "unknown_endpoint");
    expect(await rows()).toHaveLength(0);
    await expectStillAnswering();
  });

  it("a real endpoint id under another provider's URL -> 404", async () => {
    const { endpoint, secret } = await createEndpoint(
      { userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID },
      { providerId: "github", description: "hostile", events: [] },
    );
    const body = smallPush();
    await expectRefusal(await post(`/api/webhooks/stripe/${endpoint.id}`, body, await githubHeaders(secret, body)), 404, "unknown_endpoint");
    await expectRefusal(await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(GITHUB_SECRET, body)), 401, "invalid_signature");
    expect((await post(`/api/webhooks/github/${endpoint.id}`, body, await githubHeaders(secret, body))).status).toBe(202);
  });
});
