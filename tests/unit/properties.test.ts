import { createHmac } from "node:crypto";
import fc from "fast-check";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createKeyRing, seal, SealError, unseal, type SealContext } from "@/lib/crypto";
import type { WebhookScheme } from "@/lib/providers/schema";
import { STRIPE_TOLERANCE_SECONDS, verifyDelivery } from "@/lib/webhooks/verify";

/**
 * Property-based tests (fast-check) for the webhook signature verifiers and the sealing module.
 * Every property runs NUM_RUNS generated cases; a failure prints the shrunk counterexample.
 */

const NUM_RUNS = 150;
const options = { numRuns: NUM_RUNS };

// ---------------------------------------------------------------------------------------------
// Signature verifiers
// ---------------------------------------------------------------------------------------------

type Signer = {
  scheme: WebhookScheme;
  /** A secret in the form the scheme expects. */
  secret: fc.Arbitrary<string>;
  /** Bodies the sender could have signed: raw bytes for HMAC-over-bytes schemes, UTF-8 text for the others. */
  body: fc.Arbitrary<Buffer>;
  sign: (secret: string, body: Buffer, nowSeconds: number) => Record<string, string>;
  signatureHeader: string;
};

const textBody = fc.string({ unit: "binary", minLength: 1, maxLength: 400 }).map((text) => Buffer.from(text, "utf8"));
const byteBody = fc.uint8Array({ minLength: 1, maxLength: 400 }).map((bytes) => Buffer.from(bytes));
const hmacSecret = fc.string({ unit: "binary", minLength: 1, maxLength: 64 });
const standardSecret = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((bytes) => `whsec_${Buffer.from(bytes).toString("base64")}`);

const signers: Signer[] = [
  {
    scheme: "github-hmac-sha256",
    secret: hmacSecret,
    body: fc.oneof(byteBody, textBody),
    sign: (secret, body) => ({ "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` }),
    signatureHeader: "x-hub-signature-256",
  },
  {
    scheme: "slack-v0",
    secret: hmacSecret,
    body: fc.oneof(byteBody, textBody),
    sign: (secret, body, now) => ({
      "x-slack-request-timestamp": String(now),
      "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${now}:`).update(body).digest("hex")}`,
    }),
    signatureHeader: "x-slack-signature",
  },
  {
    scheme: "stripe",
    secret: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 64 }).map((value) => `whsec_${value}`),
    body: textBody,
    sign: (secret, body, now) => ({ "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: body.toString("utf8"), secret, timestamp: now }) }),
    signatureHeader: "stripe-signature",
  },
  {
    scheme: "standard-webhooks",
    secret: standardSecret,
    body: textBody,
    sign: (secret, body, now) => {
      const id = "msg_property";
      return {
        "webhook-id": id,
        "webhook-timestamp": String(now),
        "webhook-signature": new StandardWebhook(secret).sign(id, new Date(now * 1000), body.toString("utf8")),
      };
    },
    signatureHeader: "webhook-signature",
  },
];

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function verify(scheme: WebhookScheme, body: Buffer, headers: Record<string, string>, secrets: string[], now = nowSeconds()) {
  return verifyDelivery(scheme, { body, headers: new Headers(headers), secrets, nowSeconds: now });
}

/** A printable ASCII character other than `not` (header values must stay legal for `Headers`). */
const otherPrintable = (not: string) =>
  fc
    .integer({ min: 0x21, max: 0x7e })
    .map((code) => String.fromCharCode(code))
    .filter((char) => char !== not);

describe.each(signers)("signature verifier: $scheme", ({ scheme, secret, body, sign, signatureHeader }) => {
  it("a signature made with the secret always verifies", async () => {
    await fc.assert(
      fc.asyncProperty(secret, body, async (key, payload) => {
        const now = nowSeconds();
        expect(await verify(scheme, payload, sign(key, payload, now), [key], now)).toEqual({ ok: true });
      }),
      options,
    );
  });

  it("verifies with a rotated-out secret listed after the current one", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, body, async (current, previous, payload) => {
        const now = nowSeconds();
        expect((await verify(scheme, payload, sign(previous, payload, now), [current, previous], now)).ok).toBe(true);
      }),
      options,
    );
  });

  it("any single-byte change of the body never verifies", async () => {
    const changed = body.chain((payload) => fc.tuple(fc.constant(payload), fc.nat({ max: payload.length - 1 }), fc.integer({ min: 1, max: 255 })));
    await fc.assert(
      fc.asyncProperty(secret, changed, async (key, [payload, index, xor]) => {
        const now = nowSeconds();
        const headers = sign(key, payload, now);
        const tampered = Buffer.from(payload);
        tampered[index] = tampered[index]! ^ xor;
        const result = await verify(scheme, tampered, headers, [key], now);
        expect(result.ok).toBe(false);
      }),
      options,
    );
  });

  it("any single-character change of the signature header never verifies", async () => {
    await fc.assert(
      fc.asyncProperty(secret, body, fc.nat(), fc.integer({ min: 0x21, max: 0x7e }), async (key, payload, position, code) => {
        const now = nowSeconds();
        const headers = sign(key, payload, now);
        const original = headers[signatureHeader]!;
        const index = position % original.length;
        const replacement = String.fromCharCode(code) === original[index] ? (original[index] === "a" ? "b" : "a") : String.fromCharCode(code);
        headers[signatureHeader] = original.slice(0, index) + replacement + original.slice(index + 1);
        expect((await verify(scheme, payload, headers, [key], now)).ok).toBe(false);
      }),
      options,
    );
  });

  it("a signature made with another secret never verifies", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, body, async (key, other, payload) => {
        fc.pre(key !== other);
        const now = nowSeconds();
        expect((await verify(scheme, payload, sign(other, payload, now), [key], now)).ok).toBe(false);
      }),
      options,
    );
  });

  it("never throws on arbitrary header strings and bodies; refusals are 400 or 401", async () => {
    const headerValue = fc.oneof(
      fc.string({ unit: "grapheme-ascii", maxLength: 200 }),
      fc.string({ unit: otherPrintable(" "), maxLength: 100 }).map((value) => `sha256=${value}`),
      fc.string({ unit: otherPrintable(" "), maxLength: 100 }).map((value) => `t=${value},v1=${value}`),
      fc.string({ unit: otherPrintable(" "), maxLength: 100 }).map((value) => `v1,${value}`),
      fc.constantFrom("", " ", "=", ",", "t=", "v0=", "v1,", "sha256=", "9".repeat(20), "-1", "NaN"),
    );
    const names = [
      "x-hub-signature-256",
      "x-slack-signature",
      "x-slack-request-timestamp",
      "stripe-signature",
      "webhook-id",
      "webhook-timestamp",
      "webhook-signature",
    ];
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.oneof(byteBody, textBody, fc.constant(Buffer.alloc(0))),
        fc.dictionary(fc.constantFrom(...names), headerValue),
        async (key, payload, headers) => {
          const result = await verify(scheme, payload, headers, [key]);
          if (!result.ok) {
            expect([400, 401]).toContain(result.status);
            expect(result.reason).toEqual(expect.any(String));
          }
          // An arbitrary header is never a valid signature for this body.
          expect(result.ok).toBe(false);
        },
      ),
      options,
    );
  });
});

describe("Stripe-Signature: our verdict is Stripe's library's, plus the future bound it leaves out", () => {
  const secret = "whsec_property_stripe";
  const payload = JSON.stringify({ id: "evt_property", object: "event", type: "invoice.paid" });
  const now = nowSeconds();
  /** What a v1 signature can be made over: a timestamp, as Stripe's scheme signs `<timestamp>.<payload>`. */
  const signable = [now, now - 200, now + 200, now - 3_600, now + 3_600, now + 86_400, 1];
  const v1 = (over: number | string) => `v1=${createHmac("sha256", secret).update(`${over}.${payload}`).digest("hex")}`;
  const element = fc.oneof(
    fc.constantFrom(...signable.map((stamp) => `t=${stamp}`), `t=${now}x`, "t=1e3", "t=", "t=abc", `t=${now}=1`, "t"),
    fc.constantFrom(...signable.map(v1), v1("NaN"), `v1=${"0".repeat(64)}`, "v1="),
    fc.constantFrom("v0=abc", "x=1", `T=${now}`, "=", ""),
  );
  /** Any elements, or a correctly signed pair with others around it (often another t= before or after). */
  const header = fc.oneof(
    fc.array(element, { minLength: 1, maxLength: 6 }),
    fc
      .tuple(fc.array(element, { maxLength: 3 }), fc.constantFrom(...signable), fc.array(element, { maxLength: 3 }))
      .map(([before, stamp, after]) => [...before, `t=${stamp}`, v1(stamp), ...after]),
  );

  /** Stripe's own verdict: constructEvent (the payload is JSON), received at the given second. */
  const stripeAccepts = (header: string, receivedAtSeconds: number, tolerance: number) => {
    try {
      Stripe.webhooks.constructEvent(payload, header, secret, tolerance, undefined, receivedAtSeconds * 1000);
      return true;
    } catch {
      return false;
    }
  };
  /** The timestamp Stripe's library checked, asked of the library itself: at tolerance 1 it still accepts one second after it and refuses two seconds after. */
  const stripeTimestamp = (header: string) => signable.find((stamp) => stripeAccepts(header, stamp + 1, 1) && !stripeAccepts(header, stamp + 2, 1));

  it("on headers with repeated, missing, malformed and reordered elements", async () => {
    await fc.assert(
      fc.asyncProperty(header, async (elements) => {
        const headers = new Headers({ "stripe-signature": elements.join(",") });
        const header = headers.get("stripe-signature") ?? "";
        const timestamp = stripeTimestamp(header);
        const expected =
          stripeAccepts(header, now, STRIPE_TOLERANCE_SECONDS) && timestamp !== undefined && Math.abs(now - timestamp) <= STRIPE_TOLERANCE_SECONDS;
        const verdict = await verifyDelivery("stripe", { body: Buffer.from(payload), headers, secrets: [secret], nowSeconds: now });
        expect(verdict.ok).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Sealing
// ---------------------------------------------------------------------------------------------

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");
const ring = createKeyRing(key(1));
const otherRing = createKeyRing(key(2));

const contextArb: fc.Arbitrary<SealContext> = fc.record({
  table: fc.string({ minLength: 1, maxLength: 20 }),
  column: fc.string({ minLength: 1, maxLength: 20 }),
  id: fc.string({ minLength: 0, maxLength: 40 }),
});
/** Well-formed Unicode (no lone surrogates: UTF-8 cannot carry them, so they could not round-trip). */
const plaintextArb = fc.string({ unit: "binary", maxLength: 300 });

function sealError(run: () => unknown): SealError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SealError);
    return error as SealError;
  }
  throw new Error("expected a SealError, but it opened");
}

describe("sealing (AES-256-GCM with the row as associated data)", () => {
  it("round-trips any string, in its own context", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, (plaintext, context) => {
        const sealed = seal(ring, plaintext, context);
        expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]*\.[\w-]+$/);
        if (plaintext.length >= 8) expect(sealed).not.toContain(plaintext);
        expect(unseal(ring, sealed, context)).toBe(plaintext);
      }),
      options,
    );
  });

  it("sealing twice gives different ciphertexts (random IV)", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, (plaintext, context) => {
        expect(seal(ring, plaintext, context)).not.toBe(seal(ring, plaintext, context));
      }),
      options,
    );
  });

  it("any flipped bit of the IV, ciphertext or tag fails with SealError", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, fc.constantFrom(2, 3, 4), fc.nat(), fc.nat({ max: 7 }), (plaintext, context, part, position, bit) => {
        const parts = seal(ring, plaintext, context).split(".");
        const bytes = Buffer.from(parts[part]!, "base64url");
        fc.pre(bytes.length > 0); // the ciphertext of "" is empty
        bytes[position % bytes.length] = bytes[position % bytes.length]! ^ (1 << bit);
        parts[part] = bytes.toString("base64url");
        sealError(() => unseal(ring, parts.join("."), context));
      }),
      options,
    );
  });

  it("any changed character of the sealed text fails with SealError", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (plaintext, context, position, code) => {
        const sealed = seal(ring, plaintext, context);
        const index = position % sealed.length;
        const char = String.fromCharCode(code);
        fc.pre(char !== sealed[index]);
        const tampered = sealed.slice(0, index) + char + sealed.slice(index + 1);
        sealError(() => unseal(ring, tampered, context));
      }),
      options,
    );
  });

  it("another context (table, column or row id) fails with SealError", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, contextArb, (plaintext, context, other) => {
        fc.pre(`${context.table}:${context.column}:${context.id}` !== `${other.table}:${other.column}:${other.id}`);
        const error = sealError(() => unseal(ring, seal(ring, plaintext, context), other));
        expect(error.message).toMatch(/failed authentication/);
      }),
      options,
    );
  });

  it("a key that is not in the ring fails with SealError naming the key", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, (plaintext, context) => {
        expect(sealError(() => unseal(otherRing, seal(ring, plaintext, context), context)).message).toMatch(/neither ENCRYPTION_KEY/);
      }),
      options,
    );
  });

  it("arbitrary text is never opened: SealError, never another exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.array(fc.string({ maxLength: 30 }), { minLength: 5, maxLength: 5 }).map((parts) => ["v1", ring.current.id, ...parts.slice(2)].join(".")),
        ),
        contextArb,
        (garbage, context) => {
          sealError(() => unseal(ring, garbage, context));
        },
      ),
      options,
    );
  });
});
