import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One import of a project file by another: `from` and `to` are paths relative to the root, with `/` separators. */
export type ImportEdge = { from: string; to: string; specifier: string; typeOnly: boolean };

const SOURCE = /\.(ts|tsx)$/;
// Static imports and re-exports (`import x from "..."`, `export { x } from "..."`, `import "..."`) and `import("...")`.
const STATIC = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(relative(root, path).split("\\").join("/"));
    }
  };
  for (const dir of dirs) {
    const path = join(root, dir);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(path);
    else out.push(dir);
  }
  return out.sort();
}

function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("@/")) base = join(root, specifier.slice(2));
  else if (specifier.startsWith(".")) base = resolve(root, dirname(from), specifier);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate).split("\\").join("/");
  }
  return undefined;
}

/** Every import between project files under `dirs` (an unresolvable project import is an error: the graph must be whole). */
export function importGraph(root: string, dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of sourceFiles(root, dirs)) {
    const text = readFileSync(join(root, from), "utf8");
    const found: { specifier: string; typeOnly: boolean }[] = [];
    for (const match of text.matchAll(STATIC)) found.push({ specifier: match[3]!, typeOnly: Boolean(match[2]) });
    for (const match of text.matchAll(DYNAMIC)) found.push({ specifier: match[1]!, typeOnly: false });
    for (const { specifier, typeOnly } of found) {
      if (!specifier.startsWith("@/") && !specifier.startsWith(".")) continue;
      const to = resolveSpecifier(root, from, specifier);
      if (!to) throw new Error(`${from}: cannot resolve ${specifier}`);
      edges.push({ from, to, specifier, typeOnly });
    }
  }
  return edges;
}

/** The area a file of lib/ belongs to: its first folder under lib/, or the file's own name for a file directly in lib/. */
export function areaOf(file: string): string | undefined {
  const match = /^lib\/([^/]+?)(?:\.tsx?)?(?:\/|$)/.exec(file);
  return match?.[1];
}

/** Strongly connected components with more than one member (Tarjan), each sorted. */
export function cycles(nodes: Iterable<string>, next: (node: string) => Iterable<string>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const to of next(node)) {
      if (!order.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, order.get(to)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const node of nodes) if (!order.has(node)) visit(node);
  return out;
}
