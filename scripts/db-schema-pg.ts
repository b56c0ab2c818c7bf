/**
 * npm run db:schema:pg. Writes db/schema-pg from db/schema-sqlite: every table file is copied as it
 * is, under a "generated" line, and each dialect's common.ts (written by hand) gives the column
 * vocabulary the table files use (timestampMs, epochMs, jsonValue, serialId...) its own types.
 * `--check` writes nothing and fails if db/schema-pg differs; tests/unit/schema-parity.test.ts runs
 * the same check, so a table changed on one side only fails the suite.
 *
 * Why a generated twin and not one dialect-neutral description built into both schemas at module
 * load: drizzle's column builders are different classes per dialect (SQLiteIntegerBuilder,
 * PgBigInt53Builder...), and its row and insert types are inferred from those exact classes. A
 * description written once would have to be generic over the dialect, where TypeScript defers the
 * conditional types and loses them at every `.notNull()` or `.references()`; or be typed by hand,
 * which is a third copy of every table. A copied file is plain drizzle that tsc and drizzle-kit read
 * as before, its types are exact in both dialects, and the migrations come out the same.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const source = "db/schema-sqlite";
const target = "db/schema-pg";
/** Each dialect's own: the vocabulary in that dialect's types. */
const handWritten = "common.ts";

const generatedLine = (name: string) => `// Generated from ${source}/${name} by \`npm run db:schema:pg\`: edit that file, not this one.\n`;

/** The files db/schema-pg must hold, other than its common.ts, by name. */
export function pgSchemaFiles(root = process.cwd()): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(join(root, source)).sort()) {
    if (!name.endsWith(".ts") || name === handWritten) continue;
    const text = readFileSync(join(root, source, name), "utf8");
    // A builder taken from a dialect's core would be copied into the other dialect unchanged.
    const dialectImport = /from "drizzle-orm\/(sqlite|pg)-core"/.exec(text);
    if (dialectImport) throw new Error(`${source}/${name} imports ${dialectImport[0].slice(5)}: take builders from ./common, which both dialects define`);
    files.set(name, generatedLine(name) + text);
  }
  return files;
}

/** The files of db/schema-pg that differ from what db:schema:pg would write, are missing, or are left over. */
export function pgSchemaDifferences(root = process.cwd()): string[] {
  const expected = pgSchemaFiles(root);
  const present = readdirSync(join(root, target)).filter((name) => name.endsWith(".ts") && name !== handWritten);
  const differing = [...expected]
    .filter(([name, text]) => !present.includes(name) || readFileSync(join(root, target, name), "utf8") !== text)
    .map(([name]) => name);
  const leftOver = present.filter((name) => !expected.has(name));
  return [...differing, ...leftOver].sort().map((name) => `${target}/${name}`);
}

function main(check: boolean): void {
  const differences = pgSchemaDifferences();
  if (check) {
    if (differences.length === 0) return console.log(`${target} matches ${source}`);
    console.error(`${target} is out of date (run npm run db:schema:pg): ${differences.join(", ")}`);
    process.exitCode = 1;
    return;
  }
  const expected = pgSchemaFiles();
  for (const path of differences) {
    const name = path.slice(target.length + 1);
    const text = expected.get(name);
    if (text === undefined) rmSync(path);
    else writeFileSync(path, text);
  }
  console.log(differences.length === 0 ? `${target} was up to date` : `wrote ${differences.join(", ")}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.includes("--check"));
