/**
 * Bench (d): OpenAPI import of a large real description, GitHub's REST API (api.github.com.json
 * from @octokit/openapi@23, fetched once with `npm pack` into ~/.cache/patchbay-bench and never a
 * dependency). Times parseOpenApi(text) from lib/openapi/document.ts and reports peak RSS.
 * When lib/openapi/document.ts has no parseOpenApi yet, prints RESULT {"skipped": ...}.
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/openapi.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = join(homedir(), ".cache", "patchbay-bench", "octokit-openapi-23");
const SPEC = join(CACHE, "package", "generated", "api.github.com.json");

/** The hook for the OpenAPI bench: the large description's text, fetched once through npm's own client. */
export function githubRestDescription(): string {
  if (!existsSync(SPEC)) {
    mkdirSync(CACHE, { recursive: true });
    const tarball = execFileSync("npm", ["pack", "@octokit/openapi@23", "--pack-destination", CACHE, "--silent"], { cwd: CACHE, encoding: "utf8" }).trim().split("\n").at(-1)!;
    execFileSync("tar", ["xzf", join(CACHE, tarball), "-C", CACHE, "package/generated/api.github.com.json"]);
  }
  return readFileSync(SPEC, "utf8");
}

type Parse = (text: string) => Promise<{ ok: boolean; spec?: { operations?: unknown[] }; problems?: unknown[] }>;

async function loadParser(): Promise<Parse | undefined> {
  try {
    const document = (await import("@/lib/openapi/document")) as { parseOpenApi?: Parse };
    return document.parseOpenApi;
  } catch {
    return undefined;
  }
}

const parseOpenApi = await loadParser();
if (!parseOpenApi) {
  console.log(`RESULT ${JSON.stringify({ skipped: "lib/openapi/document.ts has no parseOpenApi yet" })}`);
} else {
  const text = githubRestDescription();
  const baselineRssMb = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  const result = await parseOpenApi(text);
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `RESULT ${JSON.stringify({
      document: "api.github.com.json (@octokit/openapi@23)",
      megabytes: +(Buffer.byteLength(text) / 1024 / 1024).toFixed(1),
      ok: result.ok,
      operations: result.ok ? (result.spec?.operations?.length ?? null) : null,
      problems: result.ok ? 0 : (result.problems?.length ?? null),
      seconds: +seconds.toFixed(2),
      baselineRssMb: Math.round(baselineRssMb),
      peakRssMb: Math.round(peakRssMb),
    })}`,
  );
}
