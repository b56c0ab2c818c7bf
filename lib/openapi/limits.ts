/**
 * How much one imported description may cost, so an upload can neither exhaust the server's
 * memory nor hold its event loop (lib/openapi/parse.ts reads it in a child process within these).
 * GitHub's REST description (12.4 MB, 1,223 operations) is the yardstick: about 258,000 nodes, at
 * most 13 KB and 500 schema nodes per operation, 2.2 MB of operations in all. Every bound below
 * leaves it several times the room it needs.
 */

/** The largest description one import reads (a file, a paste or a URL's answer). */
export const MAX_SPEC_BYTES = 40 * 1024 * 1024;

export const PARSE_LIMITS = {
  /** Objects and arrays inside one another, counted in the text before parsing and in the parsed document. */
  nestingDepth: 128,
  /** Nodes (values, keys included) once YAML aliases are followed: a few aliases of a large node hit this. */
  expandedNodes: 2_000_000,
  /**
   * Bytes of text once YAML aliases are followed (each anchored node's bytes, its own aliases
   * unfolded, times its uses): twice the largest description, so a few large nodes aliased many
   * times are refused, while a description that shares parts with aliases has all the room a
   * description without aliases has, and as much again.
   */
  expandedBytes: 2 * MAX_SPEC_BYTES,
  /** Schema nodes one operation's input may unfold into; past this, the remaining fields are entered as JSON. */
  schemaNodesPerOperation: 2_000,
  /** One operation as stored (input schema, request recipe, texts). */
  operationBytes: 128 * 1024,
  /** All operations of one import together. */
  importBytes: 16 * 1024 * 1024,
  /** The parsing process's JavaScript heap (--max-old-space-size); past it the process stops and the upload is refused. */
  heapMb: 1024,
  /**
   * All the parsing process's writable memory (heap, buffers, copies made by structuredClone),
   * enforced by the kernel (RLIMIT_DATA): the heap, and as much again for what lives outside it.
   * GitHub's description needs under 1 GB of it; a 34 MB description made of 14 copies of its
   * paths needs 2 GB to reach the import-bytes bound and its located refusal (1.5 GB stops it).
   */
  memoryMb: 2048,
  /** The parsing process's stack (V8's --stack-size; the process's own stack is the usual 8 MB). */
  stackMb: 4,
  /** Wall-clock time for one parse. */
  timeoutMs: 60_000,
  /** Parses running at once; others wait their turn. */
  concurrentParses: 2,
} as const;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
