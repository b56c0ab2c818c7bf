import { parentPort } from "node:worker_threads";
import jsonata from "jsonata";

/**
 * The thread lib/automations/expressions.ts evaluates JSONata in: an expression that loops, recurses
 * or allocates without end stops here (JSONata's own guardrails, this thread's heap limit, or the
 * parent terminating it), never in the server's thread. Runs under Node's type stripping: imports
 * packages only.
 */
type Request = { id: number; expression: string; scope: unknown; timeoutMs: number; maxOutputBytes: number };

function describe(error: unknown): string {
  const value = error as { code?: string; message?: string; position?: number; token?: string };
  if (value?.code === "D1012") return "it ran for too long (a loop that does not end?)";
  if (value?.code === "D1011") return "it recursed too deeply";
  const where = typeof value?.position === "number" ? ` (at character ${value.position})` : "";
  return `${value?.message ?? String(error)}${where}`;
}

parentPort!.on("message", async (request: Request) => {
  try {
    const compiled = jsonata(request.expression, { timeout: request.timeoutMs, stack: 400, sequence: 200_000 });
    const value = await compiled.evaluate(request.scope);
    if (typeof value === "function") throw new Error("it evaluates to a function, not a value");
    const text = value === undefined ? undefined : JSON.stringify(value);
    if (text !== undefined && Buffer.byteLength(text) > request.maxOutputBytes) {
      parentPort!.postMessage({ id: request.id, ok: false, error: `its value is larger than ${request.maxOutputBytes} bytes` });
      return;
    }
    parentPort!.postMessage({ id: request.id, ok: true, text });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, ok: false, error: describe(error) });
  }
});
