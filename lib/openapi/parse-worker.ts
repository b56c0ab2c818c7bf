import { parentPort, workerData } from "node:worker_threads";
import { parseOpenApi, type ParseResult } from "./document.ts";
import { PARSE_LIMITS } from "./limits.ts";

/** The thread lib/openapi/parse.ts starts for one description: parses it and posts the ParseResult back. */
async function run(text: string): Promise<ParseResult> {
  try {
    return await parseOpenApi(text);
  } catch (error) {
    // Deep recursion in a parser stops at the thread's stack limit; the server's stack is untouched.
    if (error instanceof RangeError) return { ok: false, problems: [{ location: "", message: `The description is nested too deeply to read (more than ${PARSE_LIMITS.nestingDepth} levels somewhere).` }] };
    throw error;
  }
}

parentPort!.postMessage(await run((workerData as { text: string }).text));
