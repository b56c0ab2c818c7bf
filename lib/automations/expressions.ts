import "server-only";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import jsonata from "jsonata";
import { perTurn } from "@/lib/platform";

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
/** Expressions to evaluate over one of a message's scopes (its index). */
type Group = { scope: number; expressions: string[] };
type Pending = { resolve: (results: Result[][]) => void; reject: (error: Error) => void };
type Answer = { id: number; results: Result[][] };

/** The evaluations a worker has not answered yet: each worker its own, so one that dies fails only its own. */
const pendingOf = new WeakMap<Worker, Map<number, Pending>>();
/** How many expressions each worker has finished (it counts them in shared memory, even while its thread is busy). */
const progressOf = new WeakMap<Worker, Int32Array>();
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
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const started = new Worker(WORKER, {
    workerData: { progress: progress.buffer },
    resourceLimits: { maxOldGenerationSizeMb: EXPRESSION_LIMITS.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  started.unref();
  const pending = new Map<number, Pending>();
  pendingOf.set(started, pending);
  progressOf.set(started, progress);
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

/** Longer than JSONata's own limit, so an expression that loops between steps is stopped by JSONata, with its own message. */
const WATCH_PERIOD_MS = EXPRESSION_LIMITS.timeoutMs + 500;
/** How long a new worker thread may take to start before its first message counts as stuck. */
const WORKER_START_MS = 30_000;

/**
 * One message to the worker: each group's expressions over its scope, answered together. An
 * expression may take up to the time limit (JSONata checks its own clock between steps); one that
 * blocks inside a step (a regex, a huge $pad) shows as no expression finishing for a whole period,
 * and the worker is stopped.
 */
function evaluateNow(groups: Group[], scopes: unknown[]): Promise<Result[][]> {
  const id = nextId++;
  const current = theWorker();
  const pending = pendingOf.get(current)!;
  const progress = progressOf.get(current)!;
  return new Promise<Result[][]>((resolve, reject) => {
    let finished = Atomics.load(progress, 0);
    const sentAt = Date.now();
    let timer: NodeJS.Timeout;
    const watch = () => {
      timer = setTimeout(() => {
        if (!pending.has(id)) return;
        const now = Atomics.load(progress, 0);
        // 0: the thread has not started yet (a busy machine); its start is not the expression's time.
        if (now !== finished || (now === 0 && Date.now() - sentAt < WORKER_START_MS)) {
          finished = now;
          watch();
          return;
        }
        pending.delete(id);
        reject(new ExpressionError(`it ran for longer than ${EXPRESSION_LIMITS.timeoutMs} ms`));
        if (worker === current) worker = undefined;
        void current.terminate();
      }, WATCH_PERIOD_MS);
      timer.unref();
    };
    watch();
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
    current.postMessage({ id, groups, scopes, timeoutMs: EXPRESSION_LIMITS.timeoutMs, maxOutputBytes: EXPRESSION_LIMITS.maxOutputBytes });
  });
}

/** One after another: a message that overruns stops the worker, and only its own evaluations fail. */
function inTurn(groups: Group[], scopes: unknown[]): Promise<Result[][]> {
  const run = queue.then(
    () => evaluateNow(groups, scopes),
    () => evaluateNow(groups, scopes),
  );
  queue = run.catch(() => undefined);
  return run;
}

/**
 * The same scope as far as expressions can tell: the same fields holding the same values (a
 * delivery's runs each spread the delivery's scope), empty step outputs alike.
 */
function sameScope(one: unknown, other: unknown): boolean {
  if (one === other) return true;
  if (!isPlainObject(one) || !isPlainObject(other)) return false;
  const keys = Object.keys(one);
  if (keys.length !== Object.keys(other).length) return false;
  return keys.every((key) => {
    const a = one[key];
    const b = other[key];
    return a === b || (isPlainObject(a) && isPlainObject(b) && Object.keys(a).length === 0 && Object.keys(b).length === 0);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

type Request = { expressions: string[]; scope: unknown; resolve: (results: Result[]) => void };

/**
 * Evaluations asked for in the same turn of the event loop (a delivery's runs reaching their steps
 * together, other deliveries' steps) cross to the worker in one message, each distinct scope once.
 */
const askWorker = perTurn<Request>((requests) => void send(requests));

function evaluateInWorker(expressions: string[], scope: unknown): Promise<Result[]> {
  return new Promise<Result[]>((resolve) => askWorker({ expressions, scope, resolve }));
}

async function send(requests: Request[]): Promise<void> {
  const scopes: unknown[] = [];
  const groups = requests.map(({ expressions, scope }) => {
    let index = scopes.findIndex((known) => sameScope(known, scope));
    if (index < 0) index = scopes.push(scope) - 1;
    return { scope: index, expressions };
  });
  try {
    const results = await inTurn(groups, scopes);
    requests.forEach((request, index) => request.resolve(results[index]!));
  } catch (error) {
    if (requests.length === 1 && requests[0]!.expressions.length === 1) {
      requests[0]!.resolve([{ ok: false, error: (error as Error).message }]);
      return;
    }
    // The thread was stopped (time, memory): each expression again on its own, so only the one that overran fails.
    for (const request of requests) {
      const results: Result[] = [];
      for (const expression of request.expressions) {
        try {
          results.push((await inTurn([{ scope: 0, expressions: [expression] }], [request.scope]))[0]![0]!);
        } catch (alone) {
          results.push({ ok: false, error: (alone as Error).message });
        }
      }
      request.resolve(results);
    }
  }
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
  const wanted = expressions.filter((_, index) => answers[index] === undefined);
  if (wanted.length > 0) {
    const results = await evaluateInWorker(
      wanted.map((entry) => entry.expression),
      scope,
    );
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
