import { spawn } from "node:child_process";

export type Worker<T> = { go: () => void; result: Promise<T> };

/**
 * A separate Patchbay process running `script` (a file under tests/support) on this test file's
 * database, as another server of a deployment would. Resolves once it prints `readyLine`; `go()`
 * writes the line it waits for, and `result` is the JSON line it prints before exiting 0.
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
  return {
    go: () => child.stdin!.write("go\n"),
    result: exited.then((code) => {
      const line = stdout.split("\n").find((text) => text.startsWith("{"));
      if (code !== 0 || !line) throw new Error(`${script} exited with ${code}: ${stderr}`);
      return JSON.parse(line) as T;
    }),
  };
}
