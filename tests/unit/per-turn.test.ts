import { describe, expect, it } from "vitest";
import { perTurn } from "@/lib/platform/per-turn";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("perTurn", () => {
  it("hands what arrives in one turn over together at its end, and a later turn's on its own", async () => {
    const flushed: number[][] = [];
    const add = perTurn<number>((items) => flushed.push(items));
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
});
