/**
 * Stands in for lib/openapi/parse-child.ts in tests/unit/openapi-limits.test.ts: asks for 8 GB in
 * 64 MB buffers, never touched (so without a cap it costs address space, not memory), then answers
 * as the parser would. Only a cap on the process's memory stops it before it answers.
 */
const held: Buffer[] = [];
for (let index = 0; index < 128; index++) held.push(Buffer.allocUnsafeSlow(64 * 1024 * 1024));
process.stdout.write(JSON.stringify({ ok: false, problems: [{ location: "", message: `allocated ${held.length * 64} MB` }] }));
