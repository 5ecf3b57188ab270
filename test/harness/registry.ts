// A local OCI registry for image tests: Debian's `docker-registry` on a loopback port it picks
// itself (port 0, read back from its log), with a temp config and storage dir and, optionally,
// htpasswd auth; images are built offline with umoci from busybox-static and pushed with skopeo.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "./until.ts";

const TOOLS = ["docker-registry", "skopeo", "umoci"];
const BUSYBOX = "/bin/busybox";

/** Why image tests cannot run here, or undefined when every tool is installed. */
export function registryToolsMissing(): string | undefined {
  const missing = TOOLS.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
  if (spawnSync("test", ["-x", BUSYBOX]).status !== 0) missing.push("busybox-static");
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(", ")} (apt-get install ${missing.join(" ")})`;
}

function run(argv: string[]): string {
  const [command = "", ...args] = argv;
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the prefix of image references. */
  readonly host: string;
  /** The registry's storage directory (tests damage blobs in it). */
  readonly storage: string;
  /** Copies tag `tag` of the OCI layout `layout` to `<host>/<name>`. */
  push(layout: string, tag: string, name: string, options?: PushOptions): void;
  /** The registry's log so far. */
  log(): string;
  /** Stops the registry (by PID) and removes its config and storage. */
  stop(): Promise<void>;
}

export interface PushOptions {
  /** Manifest format: OCI (default) or docker v2 schema2. */
  format?: "oci" | "v2s2";
  compress?: "gzip" | "zstd" | "none";
}

export interface RegistryOptions {
  /** Require these credentials (htpasswd, bcrypt) for every request. */
  auth?: { username: string; password: string };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "kt-registry-"));
  const storage = join(dir, "storage");
  mkdirSync(storage);
  const auth = options.auth;
  let authYaml = "";
  if (auth) {
    const hash = await Bun.password.hash(auth.password, { algorithm: "bcrypt", cost: 4 });
    writeFileSync(join(dir, "htpasswd"), `${auth.username}:${hash}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: kt-realm\n    path: ${join(dir, "htpasswd")}\n`;
  }
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n  secret: kt-secret\n${authYaml}`,
  );
  let output = "";
  const child: ChildProcess = spawn("docker-registry", ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await until(
      "docker-registry to listen",
      () => {
        if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output}`);
        return /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      },
      { timeoutMs: 10_000 },
    );
    const host = `127.0.0.1:${port}`;
    return {
      host,
      storage,
      log: () => output,
      stop,
      push: (layout, tag, name, push = {}) => {
        const argv = ["skopeo", "copy", "--quiet", "--dest-tls-verify=false"];
        if (auth) argv.push("--dest-creds", `${auth.username}:${auth.password}`);
        if (push.format === "v2s2") argv.push("--format", "v2s2");
        if (push.compress === "zstd") argv.push("--dest-compress-format", "zstd", "--dest-compress");
        if (push.compress === "none") argv.push("--dest-decompress");
        argv.push(`oci:${layout}:${tag}`, `docker://${host}/${name}`);
        run(argv);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface BusyboxImage {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
  /** Extra files for a second layer: path in the image to contents. */
  files?: Record<string, string>;
  /** Paths the second layer deletes from the first (`.wh.` whiteout files), e.g. `bin/mount`. */
  whiteouts?: string[];
}

/**
 * Builds an OCI layout at `layout` with tag `tag`: busybox-static as /bin/busybox with sh, ls, cat,
 * id, ps links in one layer and `files` (if any) in a second. Returns the layout directory.
 */
export function buildBusyboxLayout(layout: string, tag: string, image: BusyboxImage = {}): string {
  const scratch = mkdtempSync(join(tmpdir(), "kt-imgsrc-"));
  try {
    run(["umoci", "init", "--layout", layout]);
    run(["umoci", "new", "--image", `${layout}:${tag}`]);
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    copyFileSync(BUSYBOX, join(bin, "busybox"));
    for (const applet of ["sh", "ls", "cat", "id", "ps", "echo", "sleep", "mount"])
      symlinkSync("busybox", join(bin, applet));
    run(["umoci", "insert", "--image", `${layout}:${tag}`, bin, "/bin"]);
    if (image.files || image.whiteouts) {
      // GNU tar, not `umoci insert`: umoci 0.4.7 leaves a small last file unpadded (a truncated tar).
      const extra = join(scratch, "extra");
      mkdirSync(extra);
      const files: Record<string, string> = { ...image.files };
      for (const path of image.whiteouts ?? []) files[join(path, "..", `.wh.${path.split("/").at(-1)}`)] = "";
      for (const [path, text] of Object.entries(files)) {
        const target = join(extra, path);
        mkdirSync(join(target, ".."), { recursive: true });
        writeFileSync(target, text);
      }
      const tar = join(scratch, "extra.tar");
      run([
        "tar",
        "-C",
        extra,
        "--numeric-owner",
        "--owner=0",
        "--group=0",
        "-cf",
        tar,
        ...readdirSync(extra),
      ]);
      run(["umoci", "raw", "add-layer", "--image", `${layout}:${tag}`, tar]);
    }
    const argv = ["umoci", "config", "--image", `${layout}:${tag}`];
    for (const part of image.entrypoint ?? []) argv.push("--config.entrypoint", part);
    for (const part of image.cmd ?? ["sh"]) argv.push(`--config.cmd=${part}`);
    for (const env of image.env ?? ["PATH=/bin"]) argv.push("--config.env", env);
    if (image.workingDir) argv.push("--config.workingdir", image.workingDir);
    if (image.user) argv.push("--config.user", image.user);
    run(argv);
    return layout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
