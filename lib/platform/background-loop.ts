import type { EventEmitter } from "node:events";
import { log } from "./log";
import { processState } from "@/lib/platform/process-state";

export type BackgroundLoop = { stop: () => void };

const loops = processState("Loops", () => new Map<string, BackgroundLoop>());

/**
 * Runs `pass` every `intervalMs` and whenever `wake` emits "wake", never two passes at once (a wake
 * during a pass runs one more pass after it). One loop per name per process, kept in the process state so
 * dev-mode reloads do not start a second one. The first pass runs at once unless `runNow` is false
 * (the caller has just run one itself).
 */
export function startBackgroundLoop(
  name: string,
  pass: () => Promise<unknown>,
  { intervalMs, wake, runNow = true }: { intervalMs: number; wake?: EventEmitter; runNow?: boolean },
): BackgroundLoop {
  const existing = loops.get(name);
  if (existing) return existing;
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await pass();
      } while (again);
    } catch (error) {
      log.error(`${name} pass failed`, { error: (error as Error).message });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  wake?.on("wake", run);
  if (runNow) void run();
  const loop = {
    stop: () => {
      clearInterval(timer);
      wake?.off("wake", run);
      loops.delete(name);
    },
  };
  loops.set(name, loop);
  return loop;
}
