/**
 * What the crash test (scripts/crash-test.ts) and the multi-process test (scripts/multiprocess-test.ts)
 * share: sending one signed GitHub push, judging the answers against what is stored, waiting
 * (bounded) until the dispatchers have nothing left, and running a test script to an exit code.
 */
import { githubHeaders, sleep } from "../../bench/harness";
import { PostgresUnavailable } from "../../tests/support/postgres";
import type { DeliveryDb } from "./delivery-db";

export const REQUEST_TIMEOUT_MS = 10_000;

/** One delivery sent: its X-GitHub-Delivery id and the answer's status, or "error" when none came (connection refused or cut). */
export type Outcome = { id: string; status: number | "error" };

/** POSTs a signed push to `appUrl`'s instance-wide GitHub URL and reads the whole answer. */
export async function sendPush(appUrl: string, secret: string, body: string, id: string): Promise<Outcome["status"]> {
  try {
    const response = await fetch(`${appUrl}/api/webhooks/github`, {
      method: "POST",
      body,
      headers: githubHeaders(secret, body, id),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return "error";
  }
}

export const isAcknowledged = (outcome: Outcome) => typeof outcome.status === "number" && outcome.status >= 200 && outcome.status < 300;

/** The answers against the rows: every 2xx must be stored exactly once; an answer is either a 2xx or no answer at all. */
export function judge<T extends Outcome>(outcomes: T[], stored: Map<string, number>) {
  const acknowledged = outcomes.filter(isAcknowledged);
  return {
    acknowledged,
    missing: acknowledged.filter((outcome) => !stored.has(outcome.id)).length,
    duplicated: acknowledged.filter((outcome) => (stored.get(outcome.id) ?? 0) > 1).length,
    unanswered: outcomes.filter((outcome) => outcome.status === "error"),
    odd: outcomes.filter((outcome) => outcome.status !== "error" && !isAcknowledged(outcome)),
  };
}

/** The violations `judge` found, worded for the report. */
export function storageViolations(verdict: ReturnType<typeof judge>): string[] {
  const violations: string[] = [];
  if (verdict.missing > 0) violations.push(`${verdict.missing} deliveries answered 2xx but are not stored (lost)`);
  if (verdict.duplicated > 0) violations.push(`${verdict.duplicated} deliveries answered 2xx are stored more than once`);
  if (verdict.odd.length > 0) violations.push(`${verdict.odd.length} answers were neither 2xx nor a connection error (e.g. ${verdict.odd[0]!.status})`);
  return violations;
}

/** Polls until no delivery is received, processing or retrying, for at most `timeoutMs`; returns what was still pending and how long it took. */
export async function waitUntilSettled(database: DeliveryDb, timeoutMs: number): Promise<{ pending: number; ms: number }> {
  const started = Date.now();
  for (;;) {
    const pending = await database.pending();
    if (pending === 0 || Date.now() - started >= timeoutMs) return { pending, ms: Date.now() - started };
    await sleep(1000);
  }
}

/** Runs a test script's main to its exit code: 0 passed, 1 a violation, 2 could not run (PostgreSQL missing: its one line only). */
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof PostgresUnavailable) console.error(error.message);
      else console.error(`${name} could not run: ${(error as Error).stack ?? error}`);
      process.exit(2);
    },
  );
}
