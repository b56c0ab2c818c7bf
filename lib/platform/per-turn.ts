/**
 * Collects what is handed in during one turn of the event loop and hands it to `flush` together at
 * the end of that turn (setImmediate), so work that arrives together (a delivery's runs ending, the
 * expressions their steps ask for) is done in one go. A lone item waits one turn at most.
 */
export function perTurn<T>(flush: (items: T[]) => void): (item: T) => void {
  let items: T[] = [];
  return (item) => {
    items.push(item);
    if (items.length > 1) return;
    setImmediate(() => {
      const batch = items;
      items = [];
      flush(batch);
    });
  };
}
