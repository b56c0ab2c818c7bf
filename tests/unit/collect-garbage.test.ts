import { describe, expect, it } from "vitest";
import { collectGarbageSoon } from "@/lib/platform/collect-garbage";

/** The OpenAPI import routes ask for a collection after answering (issue 29): what they drop is gone before the next request. */
describe("collectGarbageSoon", () => {
  it("collects what became unreachable, after the current task, in a process started without --expose-gc", async () => {
    expect(process.execArgv.some((flag) => flag.includes("expose-gc"))).toBe(false);
    const refs = (() => {
      // A description-sized value, referenced only through a WeakRef once this function returns.
      const description = { bytes: new Uint8Array(8 * 1024 * 1024) };
      return [new WeakRef(description)];
    })();
    collectGarbageSoon();
    collectGarbageSoon(); // asked twice before it runs: collected once
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(refs[0]!.deref()).toBeUndefined();
  });
});
