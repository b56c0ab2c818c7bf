import { perTurn } from "@/lib/platform/per-turn";
import { commitsLazily, transaction, withCommitsAs, type Db } from "./client";

/**
 * A group commit for a kind of write: the items handed in during one turn of the event loop, or
 * while the previous batch commits (lib/platform/per-turn.ts), are written by `write` in one
 * transaction, which returns each item's result in its place. A batch that fails is written again
 * item by item, so only the item at fault fails: `write` may therefore run twice for an item and
 * must only read and write through its transaction. A batch commits lazily (withLazyCommits) only if
 * every item in it was handed in that way.
 */
export function writtenTogether<Item, Result>(write: (tx: Db, items: Item[]) => Promise<Result[]>): (item: Item) => Promise<Result> {
  type Queued = { item: Item; lazy: boolean; done: (result: Result) => void; failed: (error: unknown) => void };
  const queue = perTurn<Queued>((batch) =>
    withCommitsAs(
      batch.every((entry) => entry.lazy),
      async () => {
        try {
          const results = await transaction((tx) =>
            write(
              tx,
              batch.map((entry) => entry.item),
            ),
          );
          batch.forEach((entry, index) => entry.done(results[index] as Result));
        } catch (error) {
          if (batch.length === 1) return batch[0]!.failed(error);
          for (const entry of batch)
            await transaction((tx) => write(tx, [entry.item])).then(
              ([result]) => entry.done(result as Result),
              (alone: unknown) => entry.failed(alone),
            );
        }
      },
    ),
  );
  return (item) => new Promise((done, failed) => queue({ item, lazy: commitsLazily(), done, failed }));
}
