import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A copy of a migrations folder whose journal stops at `lastTag` (included): an install of an earlier version. */
export function migrationsUpTo(folder: string, lastTag: string): string {
  const copy = mkdtempSync(join(tmpdir(), "patchbay-migrations-"));
  cpSync(folder, copy, { recursive: true });
  const journalPath = join(copy, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((entry) => entry.tag === lastTag);
  if (last <= 0) throw new Error(`no migration ${lastTag} in ${folder}`);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return copy;
}
