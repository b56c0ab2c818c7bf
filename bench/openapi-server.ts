/**
 * Bench (d2): GitHub's REST description (api.github.com.json, @octokit/openapi@23, 12.4 MB, 1,223
 * operations; fetched once by bench/openapi.ts's githubRestDescription) previewed and imported
 * through the production server (`server.ts` as `npm start` runs it, on the `next build`), the way
 * the import page sends it: uploaded as a file (multipart), pasted as JSON, and by URL (a loopback
 * server the app is allowed to fetch from). For each request: the seconds it took, the server
 * process's resident memory before it and at its peak during it (sampled from /proc every 20 ms),
 * and the peak of the parser process it started. The bar (issue 29): each under 500 MB for
 * the server process and under 5 s on this machine.
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/openapi-server.ts
 * Prints one line "RESULT <json>" at the end. Linux only (/proc).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "next-auth/jwt";
import { githubRestDescription } from "./openapi";
import { appEnvironment, ensureBuild, freePort, seedOwner, startApp, stopApp } from "./harness";

type Status = { pid: number; ppid: number; rssMb: number; cpuSeconds: number; command: string };

/** User and system CPU time of a process so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function processes(): Status[] {
  const found: Status[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      found.push({
        pid: Number(pid),
        ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]),
        rssMb: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024,
        cpuSeconds: cpuSeconds(pid),
        command,
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found;
}

/** The node process that runs server.ts: the child of the tsx launcher bench/harness.ts started. */
function serverPid(launcher: number): number {
  const child = processes().find((entry) => entry.ppid === launcher && entry.command.includes("server.ts"));
  if (!child) throw new Error("the server process was not found under its launcher");
  return child.pid;
}

/**
 * Samples the server's RSS and its parser children's until stopped: the peak of each, and the CPU
 * seconds each used meanwhile (what the request costs, however busy the machine is: on a loaded
 * machine the wall-clock seconds measure the queue for the CPU as much as the work).
 */
function watch(server: number): () => { serverPeakMb: number; parserPeakMb: number; serverCpuSeconds: number; parserCpuSeconds: number } {
  let serverPeak = 0;
  let parserPeak = 0;
  let serverCpuStart: number | undefined;
  let serverCpu = 0;
  const parserCpu = new Map<number, number>();
  const sample = () => {
    for (const entry of processes()) {
      if (entry.pid === server) {
        serverPeak = Math.max(serverPeak, entry.rssMb);
        serverCpuStart ??= entry.cpuSeconds;
        serverCpu = entry.cpuSeconds - serverCpuStart;
      } else if (entry.command.includes("parse-child.ts")) {
        parserPeak = Math.max(parserPeak, entry.rssMb);
        parserCpu.set(entry.pid, entry.cpuSeconds);
      }
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return () => {
    clearInterval(timer);
    sample();
    return {
      serverPeakMb: Math.round(serverPeak),
      parserPeakMb: Math.round(parserPeak),
      serverCpuSeconds: +serverCpu.toFixed(2),
      // Up to the last sample before it exited (within 20 ms).
      parserCpuSeconds: +[...parserCpu.values()].reduce((sum, seconds) => sum + seconds, 0).toFixed(2),
    };
  };
}

function rssMb(pid: number): number {
  return Math.round(processes().find((entry) => entry.pid === pid)?.rssMb ?? 0);
}

if (!existsSync("/proc/self/status")) {
  console.log(`RESULT ${JSON.stringify({ skipped: "needs /proc (Linux)" })}`);
  process.exit(0);
}

const text = githubRestDescription();
const file = new Blob([text], { type: "application/json" });
// The description served from a loopback address the app may fetch from (HTTP_TOOL_ALLOWED_HOSTS).
const origin = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(text));
await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
const descriptionUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/api.github.com.json`;

await ensureBuild();
const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-openapi-bench-"));
const env = appEnvironment(dataDir, port, { HTTP_TOOL_ALLOWED_HOSTS: "127.0.0.1" });
const app = await startApp({ port, dataDir, env });
const rows: Record<string, unknown>[] = [];
try {
  const userId = seedOwner(app.dbPath);
  const cookieName = "authjs.session-token";
  const token = await encode({ token: { sub: userId, signedInAt: Date.now() }, secret: env.AUTH_SECRET!, salt: cookieName });
  const headers = { cookie: `${cookieName}=${token}`, origin: app.url };
  const server = serverPid(app.child.pid!);

  const multipart = (fields: Record<string, unknown>) => {
    const form = new FormData();
    form.append("request", JSON.stringify(fields));
    form.append("description", file, "api.github.com.json");
    return form;
  };
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { ...headers, "content-type": "application/json" } });
  const serverUrl = "https://api.github.com";
  const steps: { name: string; path: string; init: () => RequestInit; expect: number }[] = [
    { name: "preview, uploaded (multipart)", path: "/api/openapi/preview", init: () => ({ body: multipart({}), headers }), expect: 200 },
    {
      name: "import, uploaded (multipart)",
      path: "/api/openapi/imports",
      init: () => ({ body: multipart({ serverUrl, name: "github" }), headers }),
      expect: 201,
    },
    { name: "preview, pasted (JSON)", path: "/api/openapi/preview", init: () => json({ source: { kind: "text", text } }), expect: 200 },
    {
      name: "import again, pasted (JSON)",
      path: "/api/openapi/imports",
      init: () => json({ source: { kind: "text", text }, serverUrl, replace: true }),
      expect: 201,
    },
    { name: "preview, by URL", path: "/api/openapi/preview", init: () => json({ source: { kind: "url", url: descriptionUrl } }), expect: 200 },
    {
      name: "import again, by URL",
      path: "/api/openapi/imports",
      init: () => json({ source: { kind: "url", url: descriptionUrl }, serverUrl, replace: true }),
      expect: 201,
    },
  ];
  // Warm up: the routes compiled on first use, the parser's first start.
  await fetch(`${app.url}/api/health`);
  for (const step of steps) {
    const before = rssMb(server);
    const stop = watch(server);
    const started = performance.now();
    const response = await fetch(`${app.url}${step.path}`, { method: "POST", ...step.init() });
    const body = (await response.json()) as { operationCount?: number; error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    const peaks = stop();
    if (response.status !== step.expect) throw new Error(`${step.name}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
    rows.push({
      step: step.name,
      status: response.status,
      operations: body.operationCount ?? null,
      seconds: +seconds.toFixed(2),
      serverRssBeforeMb: before,
      serverPeakRssMb: peaks.serverPeakMb,
      parserPeakRssMb: peaks.parserPeakMb,
      serverCpuSeconds: peaks.serverCpuSeconds,
      parserCpuSeconds: peaks.parserCpuSeconds,
      loadAverage: +loadavg()[0]!.toFixed(1),
    });
  }
} finally {
  await stopApp(app);
  origin.close();
}
console.log(
  `RESULT ${JSON.stringify({ document: "api.github.com.json (@octokit/openapi@23)", megabytes: +(file.size / 1024 / 1024).toFixed(2), steps: rows })}`,
);
