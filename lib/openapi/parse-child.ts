import type { ParseResult } from "./document.ts";
import { PARSE_LIMITS } from "./limits.ts";
import { readDescriptionText } from "./read-text.ts";

/**
 * The process lib/openapi/parse.ts starts for one description: reads the text from stdin, parses
 * it, writes the ParseResult to stdout as JSON and exits. Runs under Node's own TypeScript type
 * stripping (no loader, no bundler), so it imports only relative `.ts` files and packages.
 */
async function run(text: string): Promise<ParseResult> {
  try {
    // The checks on the text come first; the OpenAPI parser takes longer to load than they take to refuse a bomb.
    const read = readDescriptionText(text);
    if (!read.ok) return read;
    const { parseOpenApiValue } = await import("./document.ts");
    return await parseOpenApiValue(read.value);
  } catch (error) {
    // Deep recursion in a parser stops at V8's stack limit (--stack-size), as a RangeError.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      return {
        ok: false,
        problems: [{ location: "", message: `The description is nested too deeply to read (more than ${PARSE_LIMITS.nestingDepth} levels somewhere).` }],
      };
    }
    throw error;
  }
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
process.stdout.write(JSON.stringify(await run(Buffer.concat(chunks).toString("utf8"))));
