import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

/** The first-run gate: on an older Node, install, test and start refuse with one line saying what to do. */
const { problem, required } = createRequire(import.meta.url)("../../scripts/check-node.cjs") as {
  problem: (version: string, minimum: string) => string | undefined;
  required: () => string;
};
const manifest = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string }; scripts: Record<string, string> };

/** Debian's Node, older than engines on the machines this was written on; the test that needs it is skipped elsewhere. */
const systemNode = "/usr/bin/node";
const systemNodeVersion = existsSync(systemNode) ? execFileSync(systemNode, ["-p", "process.versions.node"], { encoding: "utf8" }).trim() : undefined;
const olderSystemNode = systemNodeVersion !== undefined && problem(systemNodeVersion, required()) !== undefined;

describe("the Node version gate", () => {
  it("requires the Node that .nvmrc pins and CI installs", () => {
    expect(manifest.engines.node).toBe(">=24");
    expect(required()).toBe("24");
    expect(readFileSync(".nvmrc", "utf8").trim()).toBe("24");
    expect(problem(`${readFileSync(".nvmrc", "utf8").trim()}.0.0`, required())).toBeUndefined();
  });

  it.each(["18.20.4", "20.20.2", "22.13.0", "22.22.0", "23.11.1"])("refuses Node %s with one line naming the version and how to get it", (version) => {
    const message = problem(version, "24");
    expect(message).toBe(
      `Patchbay needs Node >= 24; this is Node ${version}. Get it with \`nvm install\` (reads .nvmrc) or \`. .ci/node24.sh\`, then run the command again.`,
    );
  });

  it.each(["24.0.0", "24.22.3", "25.1.0", "26.0.0"])("accepts Node %s", (version) => {
    expect(problem(version, "24")).toBeUndefined();
  });

  it("runs before npm install (engine-strict and preinstall) and before dev, start and test", () => {
    expect(readFileSync(".npmrc", "utf8")).toMatch(/^engine-strict=true$/m);
    expect(manifest.scripts.preinstall).toBe("node scripts/check-node.cjs");
    for (const script of ["dev", "start", "test"]) expect(manifest.scripts[script]).toMatch(/^node scripts\/check-node\.cjs && /);
  });

  it("passes silently on this Node", () => {
    const run = spawnSync(process.execPath, ["scripts/check-node.cjs"], { encoding: "utf8" });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it.skipIf(!olderSystemNode)(`refuses under the system's older Node (${systemNode} ${systemNodeVersion ?? "absent"})`, () => {
    const run = spawnSync(systemNode, ["scripts/check-node.cjs"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`${problem(systemNodeVersion!, required())}\n`);
  });
});
