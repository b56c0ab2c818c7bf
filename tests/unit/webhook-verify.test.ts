import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { safeEqual, verifyDelivery, type SignedRequest } from "@/lib/webhooks/verify";
import { githubHeaders, slackHeaders, standardHeaders, stripeHeaders } from "../support/signers";

const now = () => Math.floor(Date.now() / 1000);
const request = (body: string, headers: Record<string, string>, secrets: string[]): SignedRequest => ({
  body: Buffer.from(body),
  headers: new Headers(headers),
  secrets,
  nowSeconds: now(),
});

describe("GitHub X-Hub-Signature-256", () => {
  it("accepts GitHub's documented test vector", async () => {
    const vector = request("Hello, World!", { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" }, [
      "It's a Secret to Everybody",
    ]);
    expect(await verifyDelivery("github-hmac-sha256", vector)).toEqual({ ok: true });
  });

  it("accepts the previous secret during a rotation, refuses others", async () => {
    const body = '{"zen":"Keep it logically awesome."}';
    const headers = await githubHeaders("old-secret", body);
    expect(await verifyDelivery("github-hmac-sha256", request(body, headers, ["new-secret", "old-secret"]))).toEqual({ ok: true });
    expect(await verifyDelivery("github-hmac-sha256", request(body, headers, ["new-secret"]))).toMatchObject({ ok: false, status: 401 });
  });

  it("verifies the raw bytes of a body that is not valid UTF-8, with the previous secret too", async () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]); // {"a":"<invalid UTF-8>"}
    expect(body.toString("utf8") === body.toString("latin1")).toBe(false);
    const signed = (secret: string) => ({ "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` });
    const raw = (headers: Record<string, string>, secrets: string[]): SignedRequest => ({ body, headers: new Headers(headers), secrets, nowSeconds: now() });
    expect(await verifyDelivery("github-hmac-sha256", raw(signed("current"), ["current"]))).toEqual({ ok: true });
    expect(await verifyDelivery("github-hmac-sha256", raw(signed("previous"), ["current", "previous"]))).toEqual({ ok: true });
    expect(await verifyDelivery("github-hmac-sha256", raw(signed("other"), ["current", "previous"]))).toMatchObject({ ok: false, status: 401 });
    // Signed over the UTF-8 decoding (replacement characters) it must not match: the bytes are what counts.
    const decoded = { "x-hub-signature-256": `sha256=${createHmac("sha256", "current").update(body.toString("utf8")).digest("hex")}` };
    expect(await verifyDelivery("github-hmac-sha256", raw(decoded, ["current"]))).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    [{}, 400, "missing X-Hub-Signature-256 header"],
    [{ "x-hub-signature-256": "sha256=abc" }, 401, /malformed/],
    [{ "x-hub-signature-256": "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" }, 401, /malformed/],
    [{ "x-hub-signature-256": `sha256=${"0".repeat(64)}` }, 401, "signature does not match the secret"],
    [{ "x-hub-signature-256": `sha256=${"z".repeat(64)}` }, 401, /malformed/],
    [{ "x-hub-signature-256": `sha256=${"a".repeat(640)}` }, 401, /malformed/],
  ])("refuses %j with %i", async (headers, status, reason) => {
    const result = await verifyDelivery("github-hmac-sha256", request("Hello, World!", headers as Record<string, string>, ["It's a Secret to Everybody"]));
    expect(result).toMatchObject({ ok: false, status });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("Stripe-Signature", () => {
  const secret = "whsec_test_secret";
  const body = JSON.stringify({ id: "evt_1", object: "event", type: "invoice.paid" });

  it("accepts a header from the stripe package's test generator", async () => {
    expect(await verifyDelivery("stripe", request(body, stripeHeaders(secret, body), [secret]))).toEqual({ ok: true });
  });

  it("refuses a stale timestamp (300 s tolerance), a wrong secret, a missing header", async () => {
    const stale = await verifyDelivery("stripe", request(body, stripeHeaders(secret, body, now() - 301), [secret]));
    expect(stale).toMatchObject({ ok: false, status: 401, reason: "timestamp outside the 300 s tolerance" });
    expect(await verifyDelivery("stripe", request(body, stripeHeaders("whsec_other", body), [secret]))).toMatchObject({ ok: false, status: 401 });
    expect(await verifyDelivery("stripe", request(body, {}, [secret]))).toMatchObject({ ok: false, status: 400 });
    expect(await verifyDelivery("stripe", request(body, { "stripe-signature": "garbage" }, [secret]))).toMatchObject({ ok: false, status: 401 });
  });

  it("checks the timestamp Stripe's library signs with (the last t=), not the first", async () => {
    const tomorrow = now() + 86_400;
    const signedTomorrow = stripeHeaders(secret, body, tomorrow)["stripe-signature"]!.split(",")[1]!; // v1=<signature over tomorrow>
    const smuggled = { "stripe-signature": `t=${now()},t=${tomorrow},${signedTomorrow}` };
    expect(await verifyDelivery("stripe", request(body, smuggled, [secret]))).toEqual({
      ok: false,
      status: 401,
      reason: "timestamp outside the 300 s tolerance",
    });
    // The other order names tomorrow first; the signature is still over tomorrow, the last t= is now: not a match.
    const reordered = { "stripe-signature": `t=${tomorrow},t=${now()},${signedTomorrow}` };
    expect(await verifyDelivery("stripe", request(body, reordered, [secret]))).toMatchObject({ ok: false, status: 401 });
  });
});

describe("Slack v0 signatures", () => {
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather";

  it("accepts a fresh, correct signature and refuses one outside the 5-minute window", async () => {
    expect(await verifyDelivery("slack-v0", request(body, slackHeaders(secret, body), [secret]))).toEqual({ ok: true });
    const old = await verifyDelivery("slack-v0", request(body, slackHeaders(secret, body, now() - 301), [secret]));
    expect(old).toMatchObject({ ok: false, status: 401, reason: "timestamp outside the 5-minute window" });
    const future = await verifyDelivery("slack-v0", request(body, slackHeaders(secret, body, now() + 301), [secret]));
    expect(future).toMatchObject({ ok: false, status: 401 });
  });

  it("signs v0:{timestamp}:{body}", async () => {
    const timestamp = now();
    const manual = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const headers = { "x-slack-signature": manual, "x-slack-request-timestamp": String(timestamp) };
    expect(await verifyDelivery("slack-v0", request(body, headers, [secret]))).toEqual({ ok: true });
    expect(await verifyDelivery("slack-v0", request(`${body}x`, headers, [secret]))).toMatchObject({ ok: false, status: 401 });
    expect(await verifyDelivery("slack-v0", request(body, { "x-slack-request-timestamp": String(timestamp) }, [secret]))).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await verifyDelivery("slack-v0", request(body, { ...headers, "x-slack-signature": "v0=short" }, [secret]))).toMatchObject({
      ok: false,
      status: 401,
    });
  });
});

describe("Standard Webhooks", () => {
  const secret = `whsec_${Buffer.from("a standard webhooks secret 32by").toString("base64")}`;
  const body = JSON.stringify({ type: "user.created", data: { id: "u_1" } });

  it("accepts what the standardwebhooks signer produces, refuses tampering and stale timestamps", async () => {
    expect(await verifyDelivery("standard-webhooks", request(body, standardHeaders(secret, body), [secret]))).toEqual({ ok: true });
    expect(await verifyDelivery("standard-webhooks", request(`${body} `, standardHeaders(secret, body), [secret]))).toMatchObject({ ok: false, status: 401 });
    const stale = standardHeaders(secret, body, "msg_1", new Date(Date.now() - 10 * 60 * 1000));
    expect(await verifyDelivery("standard-webhooks", request(body, stale, [secret]))).toMatchObject({ ok: false, status: 401 });
    expect(await verifyDelivery("standard-webhooks", request(body, { "webhook-id": "x" }, [secret]))).toMatchObject({ ok: false, status: 400 });
  });
});

describe("constant-time comparison", () => {
  it("answers false on a length mismatch instead of throwing", () => {
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "a")).toBe(false);
    expect(safeEqual("same", "same")).toBe(true);
  });
});
