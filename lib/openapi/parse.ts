import "server-only";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ParsedSpec, ParseResult } from "./document";
import { PARSE_LIMITS } from "./limits";

/**
 * Parses a description in a child `node` process whose memory the kernel caps (RLIMIT_DATA, set by
 * `ulimit -d` in /bin/sh before it execs node), with a bounded heap, stack and time. Whatever the
 * upload does to that process (a heap or an off-heap copy past the cap), the kernel refuses it the
 * memory and the process dies, alone: the server keeps answering and refuses the upload with 422.
 * The answer comes back as JSON on the child's stdout, bounded by the import's own limits.
 * At most PARSE_LIMITS.concurrentParses run at once.
 */

/** Where the child's code lives: beside this file, in the source tree (Next's bundle keeps import.meta.url pointing there). */
const PARSER = join(dirname(fileURLToPath(import.meta.url)), "parse-child.ts");
/** The most a parser's answer may take; the operations in it are bounded by PARSE_LIMITS.importBytes. */
const MAX_ANSWER_BYTES = 4 * PARSE_LIMITS.importBytes;
/** What a process that ran out of memory leaves on stderr (V8, Node and the allocator). */
const OUT_OF_MEMORY = /out of memory|heap limit|allocation failed|failed to allocate|invalid string length|invalid array length/i;
/** Sets the cap, or stops with this status, before node starts. */
const CAP_FAILED = 111;
// Also makes the parser the first process the kernel's OOM killer picks (a container's memory limit), not the server.
const CAPPED = `{ echo 1000 >/proc/self/oom_score_adj; } 2>/dev/null; ulimit -d "$1" || exit ${CAP_FAILED}; shift; exec "$@"`;

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

const problemSchema = z.object({ location: z.string(), message: z.string() });
const answerSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), spec: z.looseObject({ title: z.string(), operations: z.array(z.unknown()), warnings: z.array(problemSchema) }) }),
  z.object({ ok: z.literal(false), problems: z.array(problemSchema) }),
]);

function readAnswer(stdout: Buffer): ParseResult {
  const answer = answerSchema.parse(JSON.parse(stdout.toString("utf8")));
  // The spec is what lib/openapi/document.ts built in the child; the envelope is checked above.
  return answer.ok ? { ok: true, spec: answer.spec as unknown as ParsedSpec } : answer;
}

/**
 * Runs `parser` (a parse-child.ts) on `text` in a capped child process. Exported so tests can run
 * a stand-in parser under the same caps; everything else calls parseDescription.
 */
export function runParser(parser: string, text: string | Buffer): Promise<ParseResult> {
  return new Promise((resolve, reject) => {
    const capKb = String(PARSE_LIMITS.memoryMb * 1024);
    const nodeArgs = [`--max-old-space-size=${PARSE_LIMITS.heapMb}`, `--stack-size=${PARSE_LIMITS.stackMb * 1024 - 64}`, parser];
    // Only NODE_ENV: the parser needs nothing else, and the server's secrets stay out of it.
    const child = spawn("/bin/sh", ["-c", CAPPED, "sh", capKb, process.execPath, ...nodeArgs], {
      env: { NODE_ENV: process.env.NODE_ENV },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => resolve(refused(`Reading the description took longer than ${PARSE_LIMITS.timeoutMs / 1000} seconds, the limit for one import.`))),
      PARSE_LIMITS.timeoutMs,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_ANSWER_BYTES) settle(() => reject(new Error(`The description parser answered with more than ${MAX_ANSWER_BYTES} bytes.`)));
      else stdout.push(chunk);
    });
    // Only the end is kept: it says why a process stopped.
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-16_384)));
    // A parser that stops early closes its stdin; what it did not read does not matter then.
    child.stdin.on("error", () => {});
    child.stdin.end(text);
    child.once("error", (error) => settle(() => reject(error)));
    child.once("close", (code, signal) =>
      settle(() => {
        if (code === 0) {
          try {
            resolve(readAnswer(Buffer.concat(stdout)));
          } catch (error) {
            reject(new Error(`The description parser's answer could not be read: ${(error as Error).message}`));
          }
        } else if (code === CAP_FAILED) {
          reject(new Error(`Could not cap the description parser's memory (ulimit -d ${capKb}): ${stderr.trim()}`));
        } else if (OUT_OF_MEMORY.test(stderr) || signal === "SIGABRT" || signal === "SIGTRAP" || signal === "SIGSEGV" || signal === "SIGKILL") {
          // V8 aborts (SIGABRT, SIGTRAP) when it cannot get memory; an allocation it cannot check faults (SIGSEGV).
          resolve(refused(`Reading the description needs more than ${PARSE_LIMITS.memoryMb} MB of memory, the limit for one import.`));
        } else {
          reject(new Error(`The description parser stopped (${signal ?? `exit code ${code}`}) without an answer: ${stderr.trim().split("\n").at(-1) ?? ""}`));
        }
      }),
    );
  });
}

export async function parseDescription(text: string | Buffer): Promise<ParseResult> {
  const done = await turn();
  try {
    return await runParser(PARSER, text);
  } finally {
    done();
  }
}
