import { spawn } from "node:child_process";

export type Worker<T> = { go: () => void; result: Promise<T>; kill: (signal: NodeJS.Signals) => Promise<void> };

/**
 * A separate Patchbay process running `script` (a file under tests/support) on this test file's
 * database, as another server of a deployment would. Resolves once it prints `readyLine`; `go()`
 * writes the line it waits for, `result` is the JSON line it prints before exiting 0, and `kill`
 * ends it with a signal (resolving once it has exited).
 */
export async function startWorker<T>(script: string, args: string[], readyLine: string): Promise<Worker<T>> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], {
    // TMPDIR in this file's data directory: tsx keeps its cache there, and it goes with the directory.
    env: { ...process.env, NODE_ENV: "test", TMPDIR: process.env.DATA_DIR },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(readyLine)) resolve();
    });
    void exited.then((code) => reject(new Error(`${script} exited with ${code}: ${stderr}`)));
  });
  const result = exited.then((code) => {
    const line = stdout.split("\n").find((text) => text.startsWith("{"));
    if (code !== 0 || !line) throw new Error(`${script} exited with ${code}: ${stderr}`);
    return JSON.parse(line) as T;
  });
  return {
    go: () => child.stdin!.write("go\n"),
    result,
    kill: async (signal) => {
      // Killed, it has no result to give.
      result.catch(() => {});
      child.kill(signal);
      await exited;
    },
  };
}
