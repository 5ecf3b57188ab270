// How kube calls crun: its state root, the cgroup driver, and (on a hybrid cgroup v1+v2 host, which
// crun 1.x refuses) a mount namespace of its own without /sys/fs/cgroup/unified so crun sees v1 alone.

import { statfsSync } from "node:fs";
import { runCommand } from "../../network/ip-command.ts";
import { sealedBinary } from "./sealed-binary.ts";

export type CgroupMode = "v1" | "v2" | "hybrid" | "none";

const CGROUP2_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;

/** The host's cgroup layout, as crun's libcrun_get_cgroup_mode decides it. */
export function detectCgroupMode(root = "/sys/fs/cgroup"): CgroupMode {
  try {
    const type = statfsSync(root).type;
    if (type === CGROUP2_MAGIC) return "v2";
    if (type !== TMPFS_MAGIC) return "none";
    try {
      if (statfsSync(`${root}/unified`).type === CGROUP2_MAGIC) return "hybrid";
    } catch {
      // No unified mount: plain v1.
    }
    return "v1";
  } catch {
    return "none";
  }
}

/**
 * Unshares the mount namespace, makes it a slave (MS_REC|MS_SLAVE: the host's unmounts still reach
 * it, so a long `crun exec` pins no netns or overlay), unmounts the v2 hierarchy, then execs the argv.
 */
const hybridWrapper =
  "my @n = split /:/, shift; my ($none, $root, $u) = ('none', '/', '/sys/fs/cgroup/unified');" +
  ' syscall($n[0], 0x20000) == 0 or die "unshare: $!\\n";' +
  ' syscall($n[1], $none, $root, undef, 0x84000, undef) == 0 or die "mount: $!\\n";' +
  ' syscall($n[2], $u, 2); exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\\n";';

const wrapperSyscalls: Record<string, string> = { x64: "272:165:166", arm64: "97:40:39" };

export class CrunCommand {
  /** crun on disk: what a monitor outliving this process runs (its final `crun delete`). */
  readonly binary: string;
  readonly stateRoot: string;
  readonly mode: CgroupMode;
  /** What this process runs: the sealed copy once seal() made one, else `binary`. */
  private exec: string;

  constructor(options: { binary?: string; stateRoot: string; mode?: CgroupMode }) {
    this.binary = options.binary ?? "crun";
    this.exec = this.binary;
    this.stateRoot = options.stateRoot;
    this.mode = options.mode ?? detectCgroupMode();
  }

  /** Runs crun from a sealed memfd from now on (sealed-binary.ts); false where that cannot be made. */
  async seal(): Promise<boolean> {
    const path = Bun.which(this.binary);
    const sealed = path === null ? undefined : await sealedBinary(path);
    if (sealed === undefined) return false;
    this.exec = sealed;
    return true;
  }

  /** crun with its global options (state root, cgroup driver), as this process runs it. */
  get base(): string[] {
    return this.baseFor(this.mode !== "none");
  }

  private baseFor(cgroups: boolean): string[] {
    return [this.exec, "--root", this.stateRoot, `--cgroup-manager=${cgroups ? "cgroupfs" : "disabled"}`];
  }

  /** The argv that runs `crun <args>` as the host's cgroup layout needs (`cgroups: false`: none made). */
  argv(args: string[], options: { cgroups?: boolean } = {}): string[] {
    const crun = [...this.baseFor(this.mode !== "none" && options.cgroups !== false), ...args];
    if (this.mode !== "hybrid") return crun;
    return ["perl", "-e", hybridWrapper, wrapperSyscalls[process.arch] ?? "", ...crun];
  }

  /**
   * Runs a crun command that leaves a process behind (`run --detach`): no pipes it could inherit,
   * crun's errors go to `logFile`; resolves with the exit code and the log's last line.
   */
  async runDetached(
    args: string[],
    logFile: string,
    options: { cgroups?: boolean } = {},
  ): Promise<{ exitCode: number; error: string }> {
    const [head, ...rest] = args;
    const proc = Bun.spawn(this.argv([`--log=file:${logFile}`, head ?? "", ...rest], options), {
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
    });
    const exitCode = await proc.exited;
    const log =
      exitCode === 0
        ? ""
        : await Bun.file(logFile)
            .text()
            .catch(() => "");
    return { exitCode, error: log.trim().split("\n").at(-1) ?? "" };
  }

  /** Runs crun to completion; stdout, stderr and the exit code. */
  run(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return runCommand(this.argv(args));
  }
}
