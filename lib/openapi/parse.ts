import "server-only";
import { Worker } from "node:worker_threads";
import type { ParseResult } from "./document";
import { PARSE_LIMITS } from "./limits";

/**
 * Parses a description on its own thread with a bounded heap, stack and time, so the hardest
 * upload can cost that thread and nothing else: the server keeps answering while it runs, and a
 * description that needs more memory or time than the bounds is refused instead of taking the
 * process down. At most PARSE_LIMITS.concurrentParses run at once.
 */

let running = 0;
const waiting: (() => void)[] = [];

async function turn(): Promise<() => void> {
  if (running >= PARSE_LIMITS.concurrentParses) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

function refused(message: string): ParseResult {
  return { ok: false, problems: [{ location: "", message }] };
}

function parseOnThread(text: string): Promise<ParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./parse-worker.ts", import.meta.url), {
      workerData: { text },
      resourceLimits: { maxOldGenerationSizeMb: PARSE_LIMITS.heapMb, stackSizeMb: PARSE_LIMITS.stackMb },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => resolve(refused(`Reading the description took longer than ${PARSE_LIMITS.timeoutMs / 1000} seconds, the limit for one import.`))),
      PARSE_LIMITS.timeoutMs,
    );
    worker.once("message", (result: ParseResult) => settle(() => resolve(result)));
    worker.once("error", (error: Error & { code?: string }) =>
      settle(() =>
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? resolve(refused(`Reading the description needs more than ${PARSE_LIMITS.heapMb} MB of memory, the limit for one import.`))
          : reject(error),
      ),
    );
    worker.once("exit", (code) => settle(() => reject(new Error(`The description parser stopped (exit code ${code}) without an answer.`))));
  });
}

export async function parseDescription(text: string): Promise<ParseResult> {
  const done = await turn();
  try {
    return await parseOnThread(text);
  } finally {
    done();
  }
}
