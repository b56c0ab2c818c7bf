/**
 * Bench (d): OpenAPI import of large real descriptions, each the way the server imports it
 * (parseDescription: its own capped process with the import bounds): GitHub's REST API
 * (api.github.com.json from @octokit/openapi@23, fetched once with `npm pack` into
 * ~/.cache/patchbay-bench and never a dependency) and the largest published fixture in
 * tests/fixtures/openapi/published. Reports the time, this process's peak RSS and the parser
 * process's (read from /proc, so Linux) for the document named by BENCH_OPENAPI_DOCUMENT
 * ("github" or "fixture"); bench/run.ts runs one process per document so each peak is its own.
 *
 * Run by bench/run.ts as: BENCH_OPENAPI_DOCUMENT=github tsx --conditions=react-server bench/openapi.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseDescription } from "@/lib/openapi/parse";

const CACHE = join(homedir(), ".cache", "patchbay-bench", "octokit-openapi-23");
const SPEC = join(CACHE, "package", "generated", "api.github.com.json");
const FIXTURES = join(import.meta.dirname, "..", "tests", "fixtures", "openapi", "published");

/** The hook for the OpenAPI bench: the large description's text, fetched once through npm's own client. */
export function githubRestDescription(): string {
  if (!existsSync(SPEC)) {
    mkdirSync(CACHE, { recursive: true });
    const tarball = execFileSync("npm", ["pack", "@octokit/openapi@23", "--pack-destination", CACHE, "--silent"], { cwd: CACHE, encoding: "utf8" })
      .trim()
      .split("\n")
      .at(-1)!;
    execFileSync("tar", ["xzf", join(CACHE, tarball), "-C", CACHE, "package/generated/api.github.com.json"]);
  }
  return readFileSync(SPEC, "utf8");
}

/** Follows the peak resident memory of this process's children (the parser) while it runs; null where there is no /proc. */
function watchChildrenPeak(): () => number | null {
  if (!existsSync("/proc/self/status")) return () => null;
  let peakKb = 0;
  const timer = setInterval(() => {
    for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) === process.pid) peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      } catch {
        // The process ended between the listing and the read.
      }
    }
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.round(peakKb / 1024);
  };
}

function largestFixture(): { name: string; text: string } {
  const files = readdirSync(FIXTURES).filter((name) => /\.(json|ya?ml)$/.test(name));
  const name = files.sort((a, b) => statSync(join(FIXTURES, b)).size - statSync(join(FIXTURES, a)).size)[0]!;
  return { name, text: readFileSync(join(FIXTURES, name), "utf8") };
}

if (import.meta.main ?? process.argv[1]?.endsWith("openapi.ts")) {
  const which = process.env.BENCH_OPENAPI_DOCUMENT === "fixture" ? "fixture" : "github";
  const { name, text } = which === "github" ? { name: "api.github.com.json (@octokit/openapi@23)", text: githubRestDescription() } : largestFixture();
  const baselineRssMb = process.resourceUsage().maxRSS / 1024;
  const parserPeak = watchChildrenPeak();
  const started = performance.now();
  const result = await parseDescription(text);
  const seconds = (performance.now() - started) / 1000;
  const parserPeakRssMb = parserPeak();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `RESULT ${JSON.stringify({
      document: name,
      megabytes: +(Buffer.byteLength(text) / 1024 / 1024).toFixed(2),
      ok: result.ok,
      operations: result.ok ? result.spec.operations.length : null,
      warnings: result.ok ? result.spec.warnings.length : null,
      skipped: result.ok ? result.spec.skipped.length : null,
      problems: result.ok ? 0 : result.problems.length,
      seconds: +seconds.toFixed(2),
      baselineRssMb: Math.round(baselineRssMb),
      peakRssMb: Math.round(peakRssMb),
      parserPeakRssMb,
    })}`,
  );
}
