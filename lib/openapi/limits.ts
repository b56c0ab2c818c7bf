/**
 * How much one imported description may cost, so an upload can neither exhaust the server's
 * memory nor hold its event loop. GitHub's REST description (12.4 MB, 1,223 operations) is the
 * yardstick: about 258,000 nodes, at most 13 KB and 500 schema nodes per operation, 2.2 MB of
 * operations in all. Every bound below leaves it several times the room it needs.
 */
export const PARSE_LIMITS = {
  /** Objects and arrays inside one another, counted in the text before parsing and in the parsed document. */
  nestingDepth: 128,
  /** Nodes (values, keys included) once YAML aliases are followed: a few aliases of a large node hit this. */
  expandedNodes: 2_000_000,
  /** Schema nodes one operation's input may unfold into; past this, the remaining fields are entered as JSON. */
  schemaNodesPerOperation: 2_000,
  /** One operation as stored (input schema, request recipe, texts). */
  operationBytes: 128 * 1024,
  /** All operations of one import together. */
  importBytes: 16 * 1024 * 1024,
  /** The parsing thread's heap; past it the thread is stopped and the upload refused. */
  heapMb: 1024,
  /** The parsing thread's stack. */
  stackMb: 4,
  /** Wall-clock time for one parse. */
  timeoutMs: 60_000,
  /** Parses running at once; others wait their turn. */
  concurrentParses: 2,
} as const;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
