// The kubelet's end of launcher.pl: one long-lived Perl process, started at the first container,
// that forks supervisors on request (a pipe write instead of a ~10-30 ms spawn on the kubelet's
// thread) and reports their ends. If it dies, the next launch starts another.

import { join } from "node:path";
import type { Subprocess } from "bun";
import { defaultPath } from "./launch-command.ts";
import { launcherSyscalls } from "./linux-syscalls.ts";

/** A supervisor the launcher forked: its pid, and its wait status turned into an exit code. */
export interface LaunchedSupervisor {
  pid: number;
  /** The exit code; NaN when the launcher ended first (the supervisor may still run). */
  exited: Promise<number>;
  /**
   * With `ready` asked for: resolves true when supervisor.pl said its container execed (or failed
   * to), false when the launcher ended first; then polling the state files is the way to know.
   */
  ready?: Promise<boolean>;
  /** The container's pid when the `ready` line named it (`ready <id> <pid>`, supervisor.pl's). */
  readyPid?: Promise<number | undefined>;
}

interface Pending {
  resolve: (pid: number) => void;
  reject: (error: Error) => void;
}

export class SupervisorLauncher {
  private proc: Subprocess<"pipe", "pipe", "ignore"> | undefined;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly exits = new Map<number, (code: number) => void>();
  private readonly readies = new Map<string, (ready: boolean, pid?: number) => void>();
  /** Ends reported before their `started` line was read (not expected, but never lost). */
  private readonly early = new Map<number, number>();

  constructor(
    private readonly binDir: string,
    /**
     * Cgroup directories each supervisor moves itself into once forked (the node's pods group);
     * the launcher stays in the kubelet's, so a burst of busy supervisors cannot starve it.
     */
    private readonly cgroupDirs: readonly string[] = [],
  ) {}

  /**
   * Forks `perl <argv[1]> <argv[2..]>` (argv as launchCommand builds it) with stdout and stderr
   * appended to `output`; with `entry`, the script is loaded once and the child calls that sub.
   */
  async launch(
    argv: string[],
    output: string,
    entry = "",
    options: { ready?: boolean } = {},
  ): Promise<LaunchedSupervisor> {
    const [, script, ...args] = argv;
    if (argv[0] !== "perl" || script === undefined) throw new Error("the launcher runs perl scripts only");
    const proc = this.start();
    const id = `${options.ready ? "r" : ""}${++this.seq}`;
    let readyPid: Promise<number | undefined> | undefined;
    const ready = options.ready
      ? new Promise<boolean>((resolve) => {
          readyPid = new Promise((resolvePid) =>
            this.readies.set(id, (ok, pid) => {
              resolve(ok);
              resolvePid(pid);
            }),
          );
        })
      : undefined;
    const body = Buffer.from([id, output, script, entry, ...args].join("\0"));
    const pid = await new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        proc.stdin.write(`${body.length}\n`);
        proc.stdin.write(body);
        proc.stdin.flush();
      } catch (error) {
        this.pending.delete(id);
        reject(error as Error);
      }
    }).catch((error: Error) => {
      this.readies.get(id)?.(false);
      this.readies.delete(id);
      throw error;
    });
    const exited = new Promise<number>((resolve) => {
      const early = this.early.get(pid);
      if (early !== undefined) {
        this.early.delete(pid);
        resolve(early);
      } else this.exits.set(pid, resolve);
    });
    return ready && readyPid ? { pid, exited, ready, readyPid } : { pid, exited };
  }

  /** Closes the launcher's stdin: it exits (resolves then, at most 2 s); supervisors keep running. */
  async close(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    try {
      proc?.stdin.end();
    } catch {
      // Already gone.
    }
    if (proc !== undefined) await Promise.race([proc.exited, Bun.sleep(2000)]);
  }

  private start(): Subprocess<"pipe", "pipe", "ignore"> {
    if (this.proc !== undefined) return this.proc;
    const argv = ["perl", join(this.binDir, "launcher.pl"), launcherSyscalls(), ...this.cgroupDirs];
    const proc = Bun.spawn(argv, {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "ignore",
      cwd: "/",
      env: { PATH: defaultPath, LC_ALL: "C" },
    });
    proc.unref();
    this.proc = proc;
    void this.read(proc);
    return proc;
  }

  private async read(proc: Subprocess<"pipe", "pipe", "ignore">): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    const drained = (async () => {
      try {
        for await (const chunk of proc.stdout) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
            this.line(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
          }
        }
      } catch {
        // The launcher went away; handled below.
      }
    })();
    // A supervisor not yet past its exec still holds the pipe (its ready line): the launcher's
    // exit, plus a moment for the lines it wrote, ends the launcher without waiting for that.
    await Promise.race([drained, proc.exited.then(() => Bun.sleep(200))]);
    await proc.exited;
    if (this.proc === proc) this.proc = undefined;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new Error("the supervisor launcher ended"));
    }
    for (const [pid, resolve] of this.exits) {
      this.exits.delete(pid);
      resolve(Number.NaN);
    }
    for (const [id, resolve] of this.readies) {
      this.readies.delete(id);
      resolve(false);
    }
  }

  private line(line: string): void {
    const [kind, first, rest] = line.split(" ", 3) as [string, string | undefined, string | undefined];
    if (kind === "started" && first !== undefined) {
      this.pending.get(first)?.resolve(Number(rest));
      this.pending.delete(first);
    } else if (kind === "failed" && first !== undefined) {
      this.pending
        .get(first)
        ?.reject(new Error(`the supervisor launcher could not fork: ${line.slice(8 + first.length)}`));
      this.pending.delete(first);
    } else if (kind === "ready" && first !== undefined) {
      this.readies.get(first)?.(true, rest !== undefined && /^\d+$/.test(rest) ? Number(rest) : undefined);
      this.readies.delete(first);
    } else if (kind === "exited" && first !== undefined) {
      const pid = Number(first);
      const status = Number(rest);
      const code = status & 127 ? 128 + (status & 127) : status >> 8;
      const resolve = this.exits.get(pid);
      if (resolve !== undefined) {
        this.exits.delete(pid);
        resolve(code);
      } else this.early.set(pid, code);
    }
  }
}
