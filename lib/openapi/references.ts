/**
 * JSON Pointers into a description: where a problem is (as a person reads it), and the local
 * references the parser left in place, followed or found unresolved.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The keys of a JSON Pointer (`/paths/~1pets/get` -> `paths`, `/pets`, `get`), unescaped. */
function pointerKeys(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `/paths/~1pets/get/parameters/0` (or its segments) as `paths./pets.get.parameters[0]`, judged against the document. */
export function formatLocation(path: string | string[] | undefined, document: unknown): string {
  const segments = Array.isArray(path) ? path : pointerKeys(path ?? "");
  let node = document;
  let text = "";
  for (const segment of segments) {
    if (Array.isArray(node)) text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return text;
}

/** A JSON pointer (or segments) as path segments, array indexes as numbers, judged against the document. */
export function pointerSegments(path: string | string[] | undefined, document: unknown): (string | number)[] {
  const segments = Array.isArray(path) ? path : pointerKeys(path ?? "");
  let node = document;
  return segments.map((segment) => {
    const index = Array.isArray(node) ? Number(segment) : undefined;
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
    return index ?? segment;
  });
}

/** The node a local JSON Pointer (`#/components/examples/thing/value`) names in the document, if any. */
function atPointer(document: Json, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (pointer === "") return document;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = document;
  for (const key of pointerKeys(pointer)) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/**
 * Follows the local references the parser left in place: any JSON Pointer into the document
 * resolves, wherever it points (into an example's value, a path item, another schema's property),
 * the way Swagger UI and Redocly read them. Each `{ $ref }` is replaced by the node it names,
 * shared, not copied (so cycles stay finite); a chain of references is followed a few steps; one
 * that names nothing stays, and the operations that need it are skipped with the reason.
 */
export function resolveLocalRefs(document: Json): void {
  const seen = new Set<object>();
  const stack: object[] = [document];
  const target = (value: unknown): unknown => {
    let node = value;
    for (let hops = 0; hops < 16 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const next = atPointer(document, node.$ref);
      if (next === undefined || next === node) return value;
      node = next;
    }
    return isObject(node) && typeof node.$ref === "string" ? value : node;
  };
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child !== "object" || child === null) continue;
      const resolved = isObject(child) && typeof child.$ref === "string" ? target(child) : child;
      if (resolved !== child) (node as Record<string | number, unknown>)[key] = resolved;
      if (typeof resolved === "object" && resolved !== null) stack.push(resolved);
    }
  }
}

/** The first `$ref` left unresolved inside a value (bounded walk; shared nodes looked at once). */
export function unresolvedRef(value: unknown): string | undefined {
  const seen = new Set<object>();
  const stack = [value];
  for (let visited = 0; stack.length && visited < 20_000; visited++) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node) && typeof (node as Json).$ref === "string") return (node as Json).$ref as string;
    stack.push(...Object.values(node));
  }
  return undefined;
}
