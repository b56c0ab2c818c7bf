import { afterEach, describe, expect, it, vi } from "vitest";
import { keptBriefly } from "@/lib/platform/kept-briefly";

describe("keptBriefly", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads once for callers within its lifetime, and again after it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = keptBriefly<number>("KeptAutomations", 1000);
    cache.forget();
    let reads = 0;
    const load = async () => ++reads;
    const [first, second] = await Promise.all([cache.get("w", load), cache.get("w", load)]);
    expect([first, second, reads]).toEqual([1, 1, 1]);
    vi.advanceTimersByTime(999);
    expect(await cache.get("w", load)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await cache.get("w", load)).toBe(2);
    expect(await cache.get("other", load)).toBe(3);
  });

  it("reads again at once after forget, and never keeps a failed read", async () => {
    const cache = keptBriefly<string>("KeptForwardDestinations", 60_000);
    cache.forget();
    let reads = 0;
    const load = async () => `read ${++reads}`;
    expect(await cache.get("w", load)).toBe("read 1");
    cache.forget();
    expect(await cache.get("w", load)).toBe("read 2");

    const failing = cache.get("broken", () => Promise.reject(new Error("database gone")));
    await expect(failing).rejects.toThrow("database gone");
    expect(await cache.get("broken", load)).toBe("read 3");
  });

  it("gives a value it has read without a promise while it is fresh, and nothing while it loads, after its lifetime or after forget", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = keptBriefly<string>("KeptInstanceOwner", 1000);
    cache.forget();
    expect(cache.peek("")).toBeUndefined();
    let finish!: (value: string) => void;
    const reading = cache.get("", () => new Promise<string>((resolve) => (finish = resolve)));
    expect(cache.peek("")).toBeUndefined(); // still loading
    finish("owner-1");
    await reading;
    expect(cache.peek("")).toEqual({ value: "owner-1" });
    vi.advanceTimersByTime(1000);
    expect(cache.peek("")).toBeUndefined();
    await cache.get("", async () => "owner-2");
    cache.forget();
    expect(cache.peek("")).toBeUndefined();
    await expect(cache.get("", () => Promise.reject(new Error("gone")))).rejects.toThrow("gone");
    expect(cache.peek("")).toBeUndefined();
  });

  it("is one cache per name in the process, whichever copy of the module asks", async () => {
    const one = keptBriefly<number>("KeptWorkspaceOwner", 60_000);
    const another = keptBriefly<number>("KeptWorkspaceOwner", 60_000);
    one.forget();
    expect(await one.get("w", async () => 7)).toBe(7);
    expect(await another.get("w", async () => 8)).toBe(7);
    another.forget();
    expect(await one.get("w", async () => 9)).toBe(9);
  });
});
