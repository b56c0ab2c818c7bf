/**
 * Prints the floor plan of lib/ drawn from imports: the areas, the arrows between them, and any
 * cycle. `npx tsx scripts/floor-plan.ts`. tests/unit/floor-plan.test.ts holds the rules.
 */
import { areaOf, cycles, importGraph } from "./support/import-graph";

const root = new URL("..", import.meta.url).pathname;
const edges = importGraph(root, ["lib"]);
const arrows = new Map<string, Set<string>>();
const areas = new Set<string>();
for (const { from, to } of edges) {
  const a = areaOf(from)!;
  const b = areaOf(to);
  areas.add(a);
  if (!b || a === b) continue;
  areas.add(b);
  if (!arrows.has(a)) arrows.set(a, new Set());
  arrows.get(a)!.add(b);
}
const count = [...arrows.values()].reduce((sum, set) => sum + set.size, 0);
console.log(`${areas.size} areas, ${count} arrows`);
for (const area of [...areas].sort()) console.log(`  ${area} -> ${[...(arrows.get(area) ?? [])].sort().join(", ")}`);
const areaCycles = cycles(areas, (a) => arrows.get(a) ?? []);
console.log(`area cycles: ${areaCycles.length}`);
for (const c of areaCycles) console.log(`  ${c.join(" <-> ")}`);
const fileNext = new Map<string, string[]>();
for (const { from, to, typeOnly } of edges) if (!typeOnly && to.startsWith("lib/")) fileNext.set(from, [...(fileNext.get(from) ?? []), to]);
const fileCycles = cycles(fileNext.keys(), (f) => fileNext.get(f) ?? []);
console.log(`file cycles (value imports): ${fileCycles.length}`);
for (const c of fileCycles) console.log(`  ${c.join(" <-> ")}`);
const dbToLib = importGraph(root, ["db"]).filter((e) => e.to.startsWith("lib/"));
console.log(`db -> lib: ${[...new Set(dbToLib.map((e) => e.to))].join(", ") || "none"}`);
