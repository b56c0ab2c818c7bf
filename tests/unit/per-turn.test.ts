import { describe, expect, it } from "vitest";
import { perTurn } from "@/lib/platform/per-turn";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("perTurn", () => {
  it("hands what arrives in one turn over together at its end, and a later turn's on its own", async () => {
    const flushed: number[][] = [];
    const add = perTurn<number>((items) => {
      flushed.push(items);
    });
    add(1);
    add(2);
    await Promise.resolve();
    add(3);
    expect(flushed).toEqual([]);
    await nextTurn();
    expect(flushed).toEqual([[1, 2, 3]]);
    add(4);
    await nextTurn();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it("holds the next batch while a flush's promise is pending, then hands over everything that came meanwhile", async () => {
    const flushed: number[][] = [];
    const commits: (() => void)[] = [];
    const add = perTurn<number>(
      (items) =>
        new Promise<void>((resolve) => {
          flushed.push(items);
          commits.push(resolve);
        }),
    );
    add(1);
    await nextTurn();
    expect(flushed).toEqual([[1]]);
    add(2);
    await nextTurn();
    add(3);
    await nextTurn();
    expect(flushed).toEqual([[1]]); // the first commit is still under way
    commits[0]!();
    await nextTurn();
    await nextTurn();
    expect(flushed).toEqual([[1], [2, 3]]);
  });

  it("goes on after a flush that fails", async () => {
    const flushed: number[][] = [];
    const add = perTurn<number>((items) => {
      flushed.push(items);
      return Promise.reject(new Error("the database went away"));
    });
    add(1);
    await nextTurn();
    await nextTurn();
    add(2);
    await nextTurn();
    expect(flushed).toEqual([[1], [2]]);
  });
});
