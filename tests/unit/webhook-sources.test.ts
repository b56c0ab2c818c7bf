import { describe, expect, it } from "vitest";
import { getProvider } from "@/lib/providers";
import { verifyDelivery, type SignedRequest } from "@/lib/webhooks/verify";
import { senders, webhookUrl, type Sender, type SigningKey } from "../support/webhook-senders";

/**
 * Each webhook source's signature, checked over the raw bytes: a delivery signed the way the real
 * sender signs it passes (and the provider's own verifier, where it publishes one, agrees), while
 * one signed with another key, one altered after signing, one outside the timestamp window, and one
 * without its signature are refused.
 */

const now = () => Math.floor(Date.now() / 1000);

async function check(sender: Sender, body: string, headers: Record<string, string>, secrets: string[], url = webhookUrl(sender.id)) {
  const request: SignedRequest = {
    body: Buffer.from(body),
    headers: new Headers({ "content-type": sender.contentType, ...headers }),
    secrets,
    nowSeconds: now(),
    url,
  };
  return verifyDelivery(getProvider(sender.id)!.webhooks!.scheme, request);
}

async function signed(sender: Sender, key: SigningKey = sender.key, at = now()) {
  const body = sender.body();
  return { body, headers: await sender.sign(key, body, at) };
}

describe("the catalog's webhook sources", () => {
  it("has at least 20 verified senders besides GitHub, Stripe, Slack and Standard Webhooks, each at /api/webhooks/<id> with <ID>_WEBHOOK_SECRET", () => {
    expect(senders.length).toBeGreaterThanOrEqual(20);
    for (const sender of senders) {
      const provider = getProvider(sender.id);
      expect(provider?.webhooks, sender.id).toBeDefined();
      expect(provider!.webhooks!.secretEnv).toBe(`${sender.id.toUpperCase()}_WEBHOOK_SECRET`);
    }
  });
});

describe.each(senders.map((sender) => [sender.id, sender] as const))("%s", (_id, sender) => {
  it("accepts a delivery signed as the sender signs it, and so does the provider's own verifier", async () => {
    const { body, headers } = await signed(sender);
    expect(await check(sender, body, headers, [sender.key.secret])).toMatchObject({ ok: true });
    if (sender.official) expect(await sender.official(sender.key, body, headers, webhookUrl(sender.id))).toBe(true);
  });

  it("accepts the previous secret while a secret rotates", async () => {
    const { body, headers } = await signed(sender);
    expect(await check(sender, body, headers, [sender.other.secret, sender.key.secret])).toMatchObject({ ok: true });
  });

  it("refuses a delivery signed with another key", async () => {
    const { body, headers } = await signed(sender, sender.other);
    expect(await check(sender, body, headers, [sender.key.secret])).toMatchObject({ ok: false, status: 401 });
    if (sender.official) expect(await sender.official(sender.key, body, headers, webhookUrl(sender.id))).toBe(false);
  });

  if (sender.id === "gitlab") {
    it("cannot tell an altered body: GitLab sends its secret token, not a signature", async () => {
      const { body, headers } = await signed(sender);
      expect(await check(sender, `${body} `, headers, [sender.key.secret])).toMatchObject({ ok: true });
    });
  } else {
    it("refuses a body altered after signing", async () => {
      const { body, headers } = await signed(sender);
      const tampered = sender.contentType.includes("form") ? body.replace("Hello", "Hallo") : body.replace(/"(\w)/, '"X$1');
      expect(tampered).not.toBe(body);
      expect(await check(sender, tampered, headers, [sender.key.secret])).toMatchObject({ ok: false, status: 401 });
      if (sender.official) expect(await sender.official(sender.key, tampered, headers, webhookUrl(sender.id))).toBe(false);
    });
  }

  it("refuses a delivery without its signature", async () => {
    expect(await check(sender, sender.body(), {}, [sender.key.secret])).toMatchObject({ ok: false, status: 400 });
  });

  if (sender.toleranceSeconds !== undefined) {
    const tolerance = sender.toleranceSeconds;
    it(`refuses a timestamp older or newer than ${tolerance} s, and takes one within it`, async () => {
      for (const offset of [-(tolerance + 60), tolerance + 60]) {
        const { body, headers } = await signed(sender, sender.key, now() + offset);
        const verdict = await check(sender, body, headers, [sender.key.secret]);
        expect(verdict).toMatchObject({ ok: false, status: 401 });
        expect((verdict as { reason: string }).reason).toMatch(/timestamp|tolerance/);
      }
      if (tolerance >= 60) {
        const { body, headers } = await signed(sender, sender.key, now() - Math.floor(tolerance / 2));
        expect(await check(sender, body, headers, [sender.key.secret])).toMatchObject({ ok: true });
      }
    });
  }

  if (["twilio", "hubspot", "square"].includes(sender.id)) {
    it("refuses a delivery signed for another URL (the signature covers the URL)", async () => {
      const { body, headers } = await signed(sender);
      expect(await check(sender, body, headers, [sender.key.secret], "https://elsewhere.example/api/webhooks/x")).toMatchObject({ ok: false, status: 401 });
    });
  }
});

describe("linear's signed timestamp (in the body)", () => {
  const linear = senders.find((sender) => sender.id === "linear")!;
  it("refuses a body whose webhookTimestamp is more than a minute off, as Linear's own client does", async () => {
    for (const offset of [-120_000, 120_000]) {
      const body = JSON.stringify({ action: "create", type: "Issue", data: {}, webhookTimestamp: Date.now() + offset });
      const headers = await linear.sign(linear.key, body, now());
      const verdict = await check(linear, body, headers, [linear.key.secret]);
      expect(verdict).toMatchObject({ ok: false, status: 401 });
      expect((verdict as { reason: string }).reason).toMatch(/tolerance/);
      expect(await linear.official!(linear.key, body, headers, "")).toBe(false);
    }
  });
});
