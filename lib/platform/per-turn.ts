/**
 * Collects what is handed in during one turn of the event loop and hands it to `flush` together at
 * the end of that turn (setImmediate), so work that arrives together (a delivery's runs ending, the
 * expressions their steps ask for, live-page notices) is done in one go. A lone item waits one turn
 * at most.
 *
 * When `flush` returns a promise (a commit, a statement's round trip), the next batch waits for it
 * to settle and then takes everything handed in meanwhile: a group commit. On PostgreSQL a round
 * trip lasts many turns, and without this each of the deliveries processed side by side paid its
 * own. `flush` handles its own errors; a rejection only ends the wait.
 */
export function perTurn<T>(flush: (items: T[]) => void | Promise<unknown>): (item: T) => void {
  let items: T[] = [];
  let scheduled = false;
  let inFlight = false;

  const schedule = () => {
    if (scheduled || inFlight) return;
    scheduled = true;
    setImmediate(run);
  };
  const settled = () => {
    inFlight = false;
    if (items.length > 0) schedule();
  };
  function run(): void {
    scheduled = false;
    const batch = items;
    items = [];
    const pending = flush(batch);
    if (pending instanceof Promise) {
      inFlight = true;
      pending.then(settled, settled);
    }
  }

  return (item) => {
    items.push(item);
    schedule();
  };
}
