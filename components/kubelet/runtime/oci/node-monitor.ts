// The kubelet's end of node-monitor.pl: one long-lived monitor per kubelet run for the containers
// without a terminal or stdin (a pipe write per start instead of a launcher fork plus a monitor
// process per container). Started at the first such container; if it dies, the next start makes another.

import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { defaultPath } from "../process/launch-command.ts";
import { processStartTime } from "../process/proc-stat.ts";

/** What a start through the node monitor gives the container's record. */
export interface MonitoredStart {
  /** The node monitor (the record's supervisor: alive while it may still record an exit). */
  monitorPid: number;
  monitorStartTime: string | undefined;
  /** The container's init, once crun started it. */
  pid?: number;
  /** crun's (or the monitor's) reason the container never ran. */
  startError?: string;
  /** Resolves when the exit is recorded; NaN when the monitor ended first. */
  exited: Promise<number>;
}

/** A start's request: the container's state dir (its name is crun's id) and where its output goes. */
export interface MonitorRequest {
  stateDir: string;
  logPath: string;
  /** The memory cgroup file with `oom_kill N`, or "". */
  oomFile: string;
  /** crun on disk (the final delete, which may outlive this process's sealed copy). */
  crunBinary: string;
  /** crun with its global options. */
  crunArgv: string[];
}

/** One monitor process and the answers it still owes. */
interface Running {
  proc: Subprocess<"pipe", "pipe", number>;
  startTime: Promise<string | undefined>;
  readies: Map<string, (answer: { pid?: number; error?: string }) => void>;
  exits: Map<string, (code: number) => void>;
}

/** Containers one monitor may hold: three descriptors each (two pipes, the log) under its limit. */
function containerBudget(): number {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
    return soft === undefined ? 300 : Math.max(0, Math.floor((Number(soft) - 64) / 3));
  } catch {
    return 300;
  }
}

export class NodeMonitor {
  private running: Running | undefined;
  private readonly budget = containerBudget();

  constructor(
    private readonly binDir: string,
    private readonly syscalls: string,
    private readonly hybrid: boolean,
    private readonly containersDir: string,
  ) {}

  /** False when this monitor holds as many containers as its descriptors allow (use another way). */
  get available(): boolean {
    return (this.running?.exits.size ?? 0) < this.budget;
  }

  /** Asks the monitor to run the container; resolves once crun exited (started or refused). */
  async start(request: MonitorRequest): Promise<MonitoredStart> {
    const running = this.ensure();
    const id = request.stateDir.split("/").at(-1) ?? "";
    const ready = new Promise<{ pid?: number; error?: string }>((resolve) =>
      running.readies.set(id, resolve),
    );
    const exited = new Promise<number>((resolve) => running.exits.set(id, resolve));
    const fields = ["run", request.stateDir, request.logPath, request.oomFile, request.crunBinary];
    const body = Buffer.from([...fields, ...request.crunArgv].join("\0"));
    try {
      running.proc.stdin.write(`${body.length}\n`);
      running.proc.stdin.write(body);
      running.proc.stdin.flush();
    } catch (error) {
      settle(running, id, { error: `the node's container monitor is gone: ${(error as Error).message}` });
    }
    const answer = await ready;
    if (answer.error !== undefined) running.exits.delete(id);
    return {
      monitorPid: running.proc.pid,
      monitorStartTime: await running.startTime,
      ...(answer.pid !== undefined ? { pid: answer.pid } : {}),
      ...(answer.error !== undefined ? { startError: answer.error } : {}),
      exited,
    };
  }

  /** Starts the monitor ahead of the first container (its Perl start is then off that pod's path). */
  prestart(): void {
    this.ensure();
  }

  /** Closes the monitor's stdin: it takes no more containers and ends after its last one. */
  close(): void {
    const running = this.running;
    this.running = undefined;
    try {
      running?.proc.stdin.end();
    } catch {
      // Already gone.
    }
  }

  private ensure(): Running {
    if (this.running !== undefined) return this.running;
    const log = openSync(join(this.containersDir, "..", "node-monitor.log"), "a");
    let proc: Subprocess<"pipe", "pipe", number>;
    try {
      const script = join(this.binDir, "node-monitor.pl");
      proc = Bun.spawn(["perl", script, this.syscalls, this.hybrid ? "1" : "0", this.containersDir], {
        stdin: "pipe",
        stdout: "pipe",
        stderr: log,
        cwd: "/",
        env: { PATH: defaultPath, LC_ALL: "C" },
      });
    } finally {
      closeSync(log);
    }
    proc.unref();
    const running: Running = {
      proc,
      startTime: processStartTime(proc.pid),
      readies: new Map(),
      exits: new Map(),
    };
    this.running = running;
    void this.read(running);
    return running;
  }

  private async read(running: Running): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of running.proc.stdout) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          answer(running, buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
        }
      }
    } catch {
      // The monitor went away; handled below.
    }
    await running.proc.exited;
    if (this.running === running) this.running = undefined;
    for (const id of [...running.readies.keys()])
      settle(running, id, { error: "the node's container monitor ended" });
    for (const [id, resolve] of running.exits) {
      running.exits.delete(id);
      resolve(Number.NaN);
    }
  }
}

function settle(running: Running, id: string, answer: { pid?: number; error?: string }): void {
  running.readies.get(id)?.(answer);
  running.readies.delete(id);
}

/** One line of the monitor's: `ready <id> ok <pid>`, `ready <id> error <message>`, `exited <id>`. */
function answer(running: Running, line: string): void {
  const [kind, id = "", verdict, rest = ""] = line.split(" ", 4);
  if (kind === "ready" && verdict === "ok") settle(running, id, { pid: Number(rest) });
  else if (kind === "ready") settle(running, id, { error: line.slice(`ready ${id} error `.length) });
  else if (kind === "exited") {
    running.exits.get(id)?.(0);
    running.exits.delete(id);
  }
}
