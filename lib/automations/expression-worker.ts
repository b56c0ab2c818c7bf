import { parentPort, workerData } from "node:worker_threads";
import jsonata from "jsonata";

/**
 * The thread lib/automations/expressions.ts evaluates JSONata in: an expression that loops, recurses
 * or allocates without end stops here (JSONata's own guardrails, this thread's heap limit, or the
 * parent terminating it), never in the server's thread. One request evaluates groups of
 * expressions, each over one of the request's scopes (a delivery's filters, the steps its runs
 * reached together), so each scope crosses once. Runs under Node's type stripping: imports packages only.
 */
type Request = { id: number; groups: { scope: number; expressions: string[] }[]; scopes: unknown[]; timeoutMs: number; maxOutputBytes: number };
type Result = { ok: true; text?: string } | { ok: false; error: string };

function describe(error: unknown): string {
  const value = error as { code?: string; message?: string; position?: number; token?: string };
  if (value?.code === "D1012") return "it ran for too long (a loop that does not end?)";
  if (value?.code === "D1011") return "it recursed too deeply";
  const where = typeof value?.position === "number" ? ` (at character ${value.position})` : "";
  return `${value?.message ?? String(error)}${where}`;
}

/** Parsed expressions: a run evaluates the same few every time (the limits apply per evaluation, from its start). */
const compiledOf = new Map<string, ReturnType<typeof jsonata>>();
const COMPILED_KEPT = 1000;

function compile(expression: string, timeoutMs: number): ReturnType<typeof jsonata> {
  let compiled = compiledOf.get(expression);
  if (!compiled) {
    compiled = jsonata(expression, { timeout: timeoutMs, stack: 400, sequence: 200_000 });
    if (compiledOf.size >= COMPILED_KEPT) compiledOf.delete(compiledOf.keys().next().value!);
    compiledOf.set(expression, compiled);
  }
  return compiled;
}

async function evaluateOne(expression: string, scope: unknown, timeoutMs: number, maxOutputBytes: number): Promise<Result> {
  try {
    const compiled = compile(expression, timeoutMs);
    const value = await compiled.evaluate(scope);
    if (typeof value === "function") return { ok: false, error: "it evaluates to a function, not a value" };
    const text = value === undefined ? undefined : JSON.stringify(value);
    if (text !== undefined && Buffer.byteLength(text) > maxOutputBytes) return { ok: false, error: `its value is larger than ${maxOutputBytes} bytes` };
    return { ok: true, text };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

/** Expressions finished, counted where the parent can read it while this thread is busy (it stops a thread that stops counting). */
const progress = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);
// Started: a slow start on a busy machine counts as progress, not as an expression that overran.
Atomics.add(progress, 0, 1);

parentPort!.on("message", async (request: Request) => {
  const results: Result[][] = [];
  for (const group of request.groups) {
    const answers: Result[] = [];
    for (const expression of group.expressions) {
      answers.push(await evaluateOne(expression, request.scopes[group.scope], request.timeoutMs, request.maxOutputBytes));
      Atomics.add(progress, 0, 1);
    }
    results.push(answers);
  }
  parentPort!.postMessage({ id: request.id, results });
});
