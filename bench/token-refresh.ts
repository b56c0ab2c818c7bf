/**
 * Bench (c): 100 concurrent getAccessToken calls on one connection whose token is due, against
 * the local fake GitHub's token endpoint (e2e/fakes/github.ts): how many refresh requests reach it
 * (must be exactly one) and the latency the refresh adds over 100 calls on a fresh token.
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/token-refresh.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dataDir = mkdtempSync(join(tmpdir(), "patchbay-tokenbench-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");
process.env.APP_URL ??= "http://127.0.0.1:3000";

const { eq } = await import("drizzle-orm");
const { db, closeDatabase } = await import("@/db/client");
const { connections } = await import("@/db/schema");
const { getAccessToken } = await import("@/lib/connections/tokens");
const { connectGitHub, createUser, startGitHubFake } = await import("@/tests/support/helpers");

const CALLERS = 100;
const ROUNDS = 5;
const fake = await startGitHubFake({ expiringTokens: true });

async function round(userId: string): Promise<{ wallMs: number; p50: number; max: number; tokens: number }> {
  const started = performance.now();
  const latencies: number[] = [];
  const results = await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      const begin = performance.now();
      const result = await getAccessToken(userId, "github");
      latencies.push(performance.now() - begin);
      return result.accessToken;
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { wallMs, p50: latencies[Math.floor(latencies.length / 2)]!, max: latencies.at(-1)!, tokens: new Set(results).size };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  const user = await createUser("bench");
  const { connection } = await connectGitHub(user.id);
  const fresh: Awaited<ReturnType<typeof round>>[] = [];
  const due: (Awaited<ReturnType<typeof round>> & { tokenRequests: number })[] = [];
  await round(user.id); // warm-up
  for (let index = 0; index < ROUNDS; index++) {
    fresh.push(await round(user.id));
    await db()
      .update(connections)
      .set({ expiresAt: new Date(Date.now() + 60_000) })
      .where(eq(connections.id, connection.id));
    fake.expireAccessTokens();
    const before = fake.tokenRequests.refresh_token;
    const result = await round(user.id).catch(async (error: unknown) => {
      const [row] = await db().select().from(connections).where(eq(connections.id, connection.id)).limit(1);
      throw new Error(`round ${index}: ${(error as Error).message} (status ${row?.status}, ${row?.lastError})`);
    });
    due.push({ ...result, tokenRequests: fake.tokenRequests.refresh_token - before });
  }
  const summary = {
    callers: CALLERS,
    rounds: ROUNDS,
    tokenRequestsPerRound: due.map((result) => result.tokenRequests),
    distinctTokensPerRound: due.map((result) => result.tokens),
    freshWallMs: +median(fresh.map((result) => result.wallMs)).toFixed(2),
    dueWallMs: +median(due.map((result) => result.wallMs)).toFixed(2),
    freshP50Ms: +median(fresh.map((result) => result.p50)).toFixed(2),
    dueP50Ms: +median(due.map((result) => result.p50)).toFixed(2),
    addedMs: +(median(due.map((result) => result.wallMs)) - median(fresh.map((result) => result.wallMs))).toFixed(2),
  };
  console.log(`RESULT ${JSON.stringify(summary)}`);
} finally {
  await fake.close();
  await closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
