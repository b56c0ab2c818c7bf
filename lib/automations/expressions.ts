import "server-only";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import jsonata from "jsonata";

/**
 * Filters and mappings are JSONata (docs/automations.md says why not JMESPath): parsed here to
 * report a mistake before saving, evaluated in a worker thread with bounds on time, depth,
 * sequence length, heap and the size of the value, so a bad expression fails its run and never
 * the process. One worker, one evaluation at a time; a worker that overran is terminated and the
 * next evaluation starts a fresh one.
 */

export const EXPRESSION_LIMITS = {
  timeoutMs: 1_000,
  /** The largest value an expression may produce (JSON bytes). */
  maxOutputBytes: 1_000_000,
  heapMb: 128,
} as const;

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

/** A mistake in how the expression is written, with where; undefined when it parses. */
export function expressionSyntaxError(expression: string): string | undefined {
  try {
    jsonata(expression);
    return undefined;
  } catch (error) {
    const value = error as { message?: string; position?: number };
    return `${value.message ?? String(error)}${typeof value.position === "number" ? ` (at character ${value.position})` : ""}`;
  }
}

/** Where the worker's code lives: beside this file (Next's bundle keeps import.meta.url pointing at the source tree). */
const WORKER = join(dirname(fileURLToPath(import.meta.url)), "expression-worker.ts");

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Answer = { id: number; ok: true; text?: string } | { id: number; ok: false; error: string };

/** The evaluations a worker has not answered yet: each worker its own, so one that dies fails only its own. */
const pendingOf = new WeakMap<Worker, Map<number, Pending>>();
let worker: Worker | undefined;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

function failAll(of: Worker, message: string): void {
  const pending = pendingOf.get(of)!;
  for (const entry of pending.values()) entry.reject(new ExpressionError(message));
  pending.clear();
}

function theWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER, {
    resourceLimits: { maxOldGenerationSizeMb: EXPRESSION_LIMITS.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  started.unref();
  const pending = new Map<number, Pending>();
  pendingOf.set(started, pending);
  started.on("message", (answer: Answer) => {
    const entry = pending.get(answer.id);
    if (!entry) return;
    pending.delete(answer.id);
    if (answer.ok) entry.resolve(answer.text === undefined ? undefined : JSON.parse(answer.text));
    else entry.reject(new ExpressionError(answer.error));
  });
  started.on("error", (error: Error & { code?: string }) => {
    if (worker === started) worker = undefined;
    failAll(started, error.code === "ERR_WORKER_OUT_OF_MEMORY" ? `it used more than ${EXPRESSION_LIMITS.heapMb} MB of memory` : error.message);
  });
  started.on("exit", () => {
    if (worker === started) worker = undefined;
    failAll(started, "the expression's evaluator stopped");
  });
  worker = started;
  return started;
}

function evaluateNow(expression: string, scope: unknown): Promise<unknown> {
  const id = nextId++;
  const current = theWorker();
  const pending = pendingOf.get(current)!;
  return new Promise<unknown>((resolve, reject) => {
    // JSONata checks its own clock between steps; this catches what blocks inside one (a regex, a huge $pad).
    const timer = setTimeout(() => {
      if (!pending.has(id)) return;
      pending.delete(id);
      reject(new ExpressionError(`it ran for longer than ${EXPRESSION_LIMITS.timeoutMs} ms`));
      if (worker === current) worker = undefined;
      void current.terminate();
    }, EXPRESSION_LIMITS.timeoutMs * 2);
    timer.unref();
    pending.set(id, {
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    current.postMessage({ id, expression, scope, timeoutMs: EXPRESSION_LIMITS.timeoutMs, maxOutputBytes: EXPRESSION_LIMITS.maxOutputBytes });
  });
}

/**
 * Evaluates a JSONata expression against `scope` (plain JSON). Rejects with an ExpressionError that
 * says what went wrong, prefixed with `what` ("the filter", "the input of step create_issue").
 */
export function evaluateExpression(expression: string, scope: unknown, what = "the expression"): Promise<unknown> {
  const syntax = expressionSyntaxError(expression);
  if (syntax) return Promise.reject(new ExpressionError(`${what} cannot be read: ${syntax}`));
  const run = queue.then(
    () => evaluateNow(expression, scope),
    () => evaluateNow(expression, scope),
  );
  queue = run.catch(() => undefined);
  return run.catch((error: Error) => {
    throw new ExpressionError(`${what} failed: ${error.message}`);
  });
}

/** Whether a filter or condition passes: JSONata's truthiness of its value (undefined, false, 0, "" and empty arrays do not). */
export function passes(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some(passes);
  return Boolean(value);
}
