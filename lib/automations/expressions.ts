import "server-only";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

/** Expressions already checked, with their mistake (or none): a run checks the same few expressions every time. */
const checkedSyntax = new Map<string, string | undefined>();
const CHECKED_SYNTAX_KEPT = 2000;

/** A mistake in how the expression is written, with where; undefined when it parses. */
export function expressionSyntaxError(expression: string): string | undefined {
  if (checkedSyntax.has(expression)) return checkedSyntax.get(expression);
  let mistake: string | undefined;
  try {
    jsonata(expression);
  } catch (error) {
    const value = error as { message?: string; position?: number };
    mistake = `${value.message ?? String(error)}${typeof value.position === "number" ? ` (at character ${value.position})` : ""}`;
  }
  if (checkedSyntax.size >= CHECKED_SYNTAX_KEPT) checkedSyntax.clear();
  checkedSyntax.set(expression, mistake);
  return mistake;
}

/** Where the worker's code lives: beside this file (Next's bundle keeps import.meta.url pointing at the source tree). */
const WORKER = join(dirname(fileURLToPath(import.meta.url)), "expression-worker.ts");
/**
 * Taken from Node at run time rather than imported: the bundler rewrites `new Worker(...)` of an
 * imported worker_threads into a bundled worker of its own, which does not load this file; Node runs
 * the file itself (type stripping), as it does under tsx and vitest.
 */
const { Worker } = process.getBuiltinModule("node:worker_threads");
type Worker = InstanceType<typeof Worker>;

type Result = { ok: true; text?: string } | { ok: false; error: string };
type Pending = { resolve: (results: Result[]) => void; reject: (error: Error) => void };
type Answer = { id: number; results: Result[] };

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
    entry.resolve(answer.results);
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

function evaluateNow(expressions: string[], scope: unknown): Promise<Result[]> {
  const id = nextId++;
  const current = theWorker();
  const pending = pendingOf.get(current)!;
  return new Promise<Result[]>((resolve, reject) => {
    // JSONata checks its own clock between steps; this catches what blocks inside one (a regex, a huge $pad).
    const timer = setTimeout(
      () => {
        if (!pending.has(id)) return;
        pending.delete(id);
        reject(new ExpressionError(`it ran for longer than ${EXPRESSION_LIMITS.timeoutMs} ms`));
        if (worker === current) worker = undefined;
        void current.terminate();
      },
      EXPRESSION_LIMITS.timeoutMs * (1 + expressions.length),
    );
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
    current.postMessage({ id, expressions, scope, timeoutMs: EXPRESSION_LIMITS.timeoutMs, maxOutputBytes: EXPRESSION_LIMITS.maxOutputBytes });
  });
}

/** Values of several expressions over one scope, each its own value or its own ExpressionError (`what` names each in messages). */
export async function evaluateEach(
  expressions: { expression: string; what: string }[],
  scope: unknown,
): Promise<({ value: unknown } | { error: ExpressionError })[]> {
  const answers: ({ value: unknown } | { error: ExpressionError } | undefined)[] = expressions.map(({ expression, what }) => {
    const syntax = expressionSyntaxError(expression);
    return syntax ? { error: new ExpressionError(`${what} cannot be read: ${syntax}`) } : undefined;
  });
  const asked = expressions.filter((_, index) => answers[index] === undefined);
  if (asked.length > 0) {
    const run = queue.then(
      () =>
        evaluateNow(
          asked.map((entry) => entry.expression),
          scope,
        ),
      () =>
        evaluateNow(
          asked.map((entry) => entry.expression),
          scope,
        ),
    );
    queue = run.catch(() => undefined);
    let results: Result[];
    try {
      results = await run;
    } catch (error) {
      // The thread was stopped (time, memory): one by one, so only the expression that overran fails.
      if (asked.length === 1) results = [{ ok: false, error: (error as Error).message }];
      else
        results = (await evaluateEach(asked, scope)).map((answer) =>
          "error" in answer
            ? { ok: false as const, error: answer.error.message.replace(/^.*? failed: /, "") }
            : { ok: true as const, text: answer.value === undefined ? undefined : JSON.stringify(answer.value) },
        );
    }
    let next = 0;
    for (const [index, entry] of expressions.entries()) {
      if (answers[index] !== undefined) continue;
      const result = results[next++]!;
      answers[index] = result.ok
        ? { value: result.text === undefined ? undefined : JSON.parse(result.text) }
        : { error: new ExpressionError(`${entry.what} failed: ${result.error}`) };
    }
  }
  return answers as ({ value: unknown } | { error: ExpressionError })[];
}

/**
 * Evaluates a JSONata expression against `scope` (plain JSON). Rejects with an ExpressionError that
 * says what went wrong, prefixed with `what` ("the filter", "the input of step create_issue").
 */
export async function evaluateExpression(expression: string, scope: unknown, what = "the expression"): Promise<unknown> {
  const [answer] = await evaluateEach([{ expression, what }], scope);
  if ("error" in answer!) throw answer.error;
  return answer!.value;
}

/** Whether a filter or condition passes: JSONata's truthiness of its value (undefined, false, 0, "" and empty arrays do not). */
export function passes(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some(passes);
  return Boolean(value);
}
