import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { eq, isNotNull } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, usingPostgres } from "@/db/client";
import { connections, oauthStates } from "@/db/schema";
import { sealedColumns } from "@/db/sealed-columns";
import { saveApiKey, resolveApiKey } from "@/lib/connections/api-keys";
import { sealFor } from "@/lib/connections/store";
import { getAccessToken } from "@/lib/connections/tokens";
import { createKeyRing, keyRing, resetKeyRingCache, unseal } from "@/lib/crypto";
import { rotateSealedColumns } from "@/lib/crypto/rotate";
import { env, resetEnvCache } from "@/lib/platform/env";
import { beginAuthorization } from "@/lib/connections/oauth/flow";
import { beginEnrolment, checkSecondFactorCode, confirmEnrolment } from "@/lib/auth/second-factor";
import { TOTP, URI } from "otpauth";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { storedText } from "../support/stored-text";

let fake: FakeGitHub;
let stripe: Server;
const stripeKey = `sk_test_${randomBytes(24).toString("hex")}`;

beforeAll(async () => {
  fake = await startGitHubFake({ expiringTokens: true });
  stripe = createServer((request, response) => {
    const ok = request.headers.authorization === `Bearer ${stripeKey}`;
    response
      .writeHead(ok ? 200 : 401, { "content-type": "application/json" })
      .end(JSON.stringify(ok ? { object: "balance" } : { error: { type: "invalid_request_error" } }));
  });
  await new Promise<void>((resolve) => stripe.listen(0, "127.0.0.1", resolve));
  const address = stripe.address();
  process.env.STRIPE_API_URL = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => stripe.close(() => resolve()));
});

const totpSecrets: string[] = [];

/** Turns on a second factor for the person, as the account page does; answers its TOTP. */
async function enrolSecondFactor(userId: string): Promise<TOTP> {
  const enrolment = await beginEnrolment(userId, "secrets@example.test");
  totpSecrets.push(enrolment.secret);
  const totp = URI.parse(enrolment.uri) as TOTP;
  await confirmEnrolment(userId, totp.generate({ timestamp: Date.now() - 30_000 }), Date.now() - 30_000);
  return totp;
}

/** Every secret the app handled: tokens the fake issued (old and rotated), the API key, pending PKCE verifiers, TOTP secrets. */
async function knownSecrets(): Promise<string[]> {
  const pending = await db().select().from(oauthStates).where(isNotNull(oauthStates.codeVerifierSealed));
  const verifiers = pending.map((row) => unseal(keyRing(), row.codeVerifierSealed!, { table: "oauth_states", column: "code_verifier", id: row.stateHash }));
  return [...fake.issuedAccessTokens, ...fake.issuedRefreshTokens, stripeKey, ...verifiers, ...totpSecrets];
}

describe("secrets at rest", () => {
  // SQLite: the database file and its WAL; PostgreSQL: every text column, read by a query (tests/support/stored-text.ts).
  it("leaves no token, refresh token, API key or PKCE verifier in plain text in the database file or its WAL", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    fake.expireAccessTokens();
    await getAccessToken(user.id, "github", connection.expiresAt!.getTime()); // refresh: a rotated pair
    await saveApiKey(user.id, "stripe", stripeKey);
    expect((await resolveApiKey(user.id, "stripe")).apiKey).toBe(stripeKey);
    await beginAuthorization(user.id, "github"); // a pending flow with a sealed verifier
    await enrolSecondFactor(user.id);

    const secrets = await knownSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const raw = await storedText();
    // SQLite's scan is the whole file (at least one 4 KiB page); PostgreSQL's is the text columns' values.
    expect(raw.length).toBeGreaterThan(usingPostgres() ? 0 : 4096);
    for (const secret of secrets) expect(raw.includes(secret), "a secret is stored in plain text").toBe(false);
    // The scan would find them if they were there: the sealed forms are present.
    expect(raw).toContain("v1.");
    for (const { table, column } of sealedColumns) {
      for (const { value } of await db().select({ value: column }).from(table).where(isNotNull(column))) expect(raw).toContain(value);
    }
  });

  // On SQLite the rotation's transaction holds the database's write lock, so nothing writes meanwhile.
  it.skipIf(!usingPostgres())("keeps a value another process saves while the rotation runs, instead of the stale copy it read", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const oldKey = env().ENCRYPTION_KEY;
    const newKey = randomBytes(32).toString("base64");
    const ring = createKeyRing(newKey, [oldKey]);
    const newer = sealFor(connection.id, "access_token", "gho_saved_by_another_process");
    // Another process refreshing the token: its UPDATE is in flight when the rotation reaches the row.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("update connections set access_token_sealed = $1 where id = $2", [newer, connection.id]);
      const rotation = rotateSealedColumns(ring);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query("commit");
      await rotation;
    } finally {
      await other.end();
    }
    const [saved] = await db().select().from(connections).where(eq(connections.id, connection.id));
    expect(unseal(ring, saved!.accessTokenSealed!, { table: "connections", column: "access_token", id: connection.id })).toBe("gho_saved_by_another_process");
    // Back to the key the other tests use.
    await rotateSealedColumns(createKeyRing(oldKey, [newKey]));
  });

  it("rotates every sealed value to a new key, after which the old key is no longer needed", async () => {
    const user = await createUser();
    await connectGitHub(user.id);
    await saveApiKey(user.id, "stripe", stripeKey);
    const totp = await enrolSecondFactor(user.id);
    const oldKey = env().ENCRYPTION_KEY;
    const newKey = randomBytes(32).toString("base64");

    let sealedCount = 0;
    for (const { table, column } of sealedColumns) sealedCount += (await db().select({ value: column }).from(table).where(isNotNull(column))).length;
    expect(await rotateSealedColumns(createKeyRing(newKey, [oldKey]))).toBe(sealedCount);
    expect(await rotateSealedColumns(createKeyRing(newKey, [oldKey]))).toBe(0);

    process.env.ENCRYPTION_KEY = newKey;
    process.env.ENCRYPTION_PREVIOUS_KEYS = "";
    resetEnvCache();
    resetKeyRingCache();
    try {
      const { accessToken } = await getAccessToken(user.id, "github");
      expect(fake.issuedAccessTokens).toContain(accessToken);
      expect((await resolveApiKey(user.id, "stripe")).apiKey).toBe(stripeKey);
      expect(await checkSecondFactorCode(user.id, totp.generate())).toBe("ok");
    } finally {
      process.env.ENCRYPTION_KEY = oldKey;
      resetEnvCache();
      resetKeyRingCache();
    }
  });

  it("fails loudly, without leaking, when the key that sealed a value is missing", async () => {
    const user = await createUser();
    await saveApiKey(user.id, "stripe", stripeKey);
    const oldKey = env().ENCRYPTION_KEY;
    process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    resetEnvCache();
    resetKeyRingCache();
    try {
      await expect(resolveApiKey(user.id, "stripe")).rejects.toThrow(/neither ENCRYPTION_KEY nor in ENCRYPTION_PREVIOUS_KEYS/);
    } finally {
      process.env.ENCRYPTION_KEY = oldKey;
      resetEnvCache();
      resetKeyRingCache();
    }
  });
});
