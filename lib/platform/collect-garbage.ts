import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection, soon after the current request has been answered: for the few
 * requests that handle a document of tens of megabytes at once (an OpenAPI import holds GitHub's
 * 13 MB description as bytes, as text and in the copies SQLite and the parser's pipe make). Left
 * to itself V8 collects those when it next needs room, and back-to-back imports each kept another
 * 30-50 MB of the process's resident memory until then (docs/performance.md, "OpenAPI import").
 * The pause (a few hundred milliseconds at most) falls after the answer, never on a hot path.
 */

let gc: (() => void) | undefined;
let scheduled = false;

function collector(): () => void {
  if (!gc) {
    // Node's documented way to reach V8's gc() in a process started without --expose-gc.
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  return gc;
}

/** Collects once the current request's objects are unreachable (after its answer); several asks before then collect once. */
export function collectGarbageSoon(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    collector()();
  }, 0).unref();
}
