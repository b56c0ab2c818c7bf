/**
 * The operation chooser's text filter (client-safe: imports nothing). GitHub's description has
 * 1,223 operations in 47 tags; a person finds the few they want by path, summary or operation id.
 */

export type ChoosableOperation = { toolId: string; operationId?: string | null; method: string; path: string; summary: string; tags: string[] };

/** Operations whose path, summary, operation id or tool id contain every word of the filter, in any case. */
export function filterOperations<T extends ChoosableOperation>(operations: T[], filter: string): T[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return operations;
  return operations.filter((operation) => {
    const text = `${operation.path}\n${operation.summary}\n${operation.operationId ?? ""}\n${operation.toolId}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}
