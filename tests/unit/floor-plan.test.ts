import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { areaOf, cycles, importGraph, sourceFiles } from "@/scripts/support/import-graph";

/**
 * The floor plan of lib/ (docs/architecture.md), drawn from the imports: an area may import only
 * areas on a lower floor, so arrows point down and no two areas depend on each other.
 */
const FLOORS: readonly (readonly string[])[] = [
  ["platform"],
  ["crypto", "providers", "http", "mail", "forms", "queue"],
  ["outbox", "auth"],
  ["connections"],
  ["github", "openapi"],
  ["tools"],
  ["mastra"],
  ["runs"],
  ["automations"],
  ["webhooks", "catalog"],
  ["agent", "mcp"],
  ["server"],
];

const root = join(import.meta.dirname, "..", "..");
const floorOf = new Map(FLOORS.flatMap((areas, floor) => areas.map((area) => [area, floor] as const)));
const lib = importGraph(root, ["lib"]);
const crossArea = lib.filter((edge) => areaOf(edge.to) && areaOf(edge.from) !== areaOf(edge.to));

describe("floor plan of lib/", () => {
  it("places every area on a floor", () => {
    const areas = new Set(sourceFiles(root, ["lib"]).map((file) => areaOf(file)!));
    expect([...areas].filter((area) => !floorOf.has(area))).toEqual([]);
  });

  it("has arrows pointing down only", () => {
    const up = crossArea.filter((edge) => floorOf.get(areaOf(edge.from)!)! <= floorOf.get(areaOf(edge.to)!)!);
    expect(up.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  it("has no cycle between areas", () => {
    const next = new Map<string, Set<string>>();
    for (const edge of crossArea) next.set(areaOf(edge.from)!, (next.get(areaOf(edge.from)!) ?? new Set()).add(areaOf(edge.to)!));
    expect(cycles(floorOf.keys(), (area) => next.get(area) ?? [])).toEqual([]);
  });

  it("has no cycle between files, type imports included", () => {
    const next = new Map<string, string[]>();
    for (const edge of lib) if (edge.to.startsWith("lib/")) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
    expect(cycles(next.keys(), (file) => next.get(file) ?? [])).toEqual([]);
  });

  it("enters an area that has a face (index.ts) through it", () => {
    const faced = (area: string) => existsSync(join(root, "lib", area, "index.ts"));
    const around = crossArea.filter((edge) => faced(areaOf(edge.to)!) && edge.to !== `lib/${areaOf(edge.to)}/index.ts`);
    expect(around.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  it("lets db/ import nothing of lib/ but lib/platform/", () => {
    const outside = importGraph(root, ["db"]).filter((edge) => edge.to.startsWith("lib/") && !edge.to.startsWith("lib/platform/"));
    expect(outside.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  it("keeps lib/ and db/ from importing app/", () => {
    const intoApp = importGraph(root, ["lib", "db"]).filter((edge) => edge.to.startsWith("app/"));
    expect(intoApp.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });
});
