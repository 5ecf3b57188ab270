// The process runtime's containers and its event listeners: each container's end found from its
// state files and supervisor (CRI ContainerStatus over supervisor processes), waiters, events.

import type { ContainerStatus, RuntimeEvent } from "../runtime.ts";
import type { CgroupManager } from "./container-cgroup.ts";
import { type ContainerEnd, containerStatus } from "./container-status.ts";
import { processAlive, signalGroup } from "./proc-stat.ts";
import type { ContainerRecord, RuntimeState } from "./runtime-state.ts";

export interface ContainerEntry {
  record: ContainerRecord;
  /** Left by a previous run: its supervisor is not our child, so its end is found by polling. */
  adopted?: boolean;
  end?: ContainerEnd;
  waiters: Array<() => void>;
}

export class ContainerTable {
  readonly entries = new Map<string, ContainerEntry>();
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();

  constructor(
    private readonly state: RuntimeState,
    private readonly cgroups: CgroupManager | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** The entry, or an error naming the missing container. */
  /** The status of every container, or of one sandbox's (the runtime's listContainers). */
  statuses(sandboxId?: string): ContainerStatus[] {
    return [...this.entries.values()]
      .filter((entry) => sandboxId === undefined || entry.record.config.sandboxId === sandboxId)
      .map((entry) => containerStatus(entry.record, entry.end));
  }

  get(id: string): ContainerEntry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new Error(`container "${id}" not found`);
    return entry;
  }

  /** The running container's main pid, or an error "cannot <verb> container ...: it is not running". */
  async runningPid(id: string, verb: string): Promise<number> {
    const entry = this.get(id);
    const running = await this.check(id);
    if (!running || entry.record.pid === undefined) {
      throw new Error(`cannot ${verb} container "${entry.record.config.name}": it is not running`);
    }
    return entry.record.pid;
  }

  /** Polls (with a deadline) until the container's end is known; true when it ended. */
  async waitEnd(entry: ContainerEntry, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!(await this.check(entry.record.id))) return true;
      if (Date.now() >= deadline) return false;
      await Bun.sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
  }

  /** Checks the adopted containers still running (their supervisors are not our children). */
  async pollAdopted(): Promise<void> {
    for (const [id, entry] of this.entries) {
      if (entry.adopted === true && entry.end === undefined) await this.check(id);
    }
  }

  /** Refreshes one container's end from the state files; true while it still runs. */
  async check(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    if (entry.end !== undefined || entry.record.startError !== undefined) return false;
    const { record } = entry;
    if (record.supervisorPid === undefined) return true; // Still being started.
    let exit = await this.state.readExit(id);
    let lost: string | undefined;
    if (exit === undefined) {
      if (await processAlive(record.supervisorPid, record.supervisorStartTime)) return true;
      exit = await this.state.readExit(id); // It may have written the file just before ending.
      if (exit === undefined) {
        if (record.pid !== undefined && (await processAlive(record.pid, record.pidStartTime))) {
          signalGroup(record.pid, "SIGKILL");
        }
        lost = "the container's supervisor ended without recording an exit status";
        exit = { exitCode: 255, oomKills: 0, finishedAt: new Date() };
      }
    }
    const start = await this.state.readContainerFile(id, "start");
    // No await from here to the emit: a concurrent check (poller, stop) must not report twice.
    if (entry.end !== undefined) return false;
    entry.end = { exit };
    if (start?.startsWith("error ")) entry.end.startError = start.slice("error ".length);
    if (lost !== undefined) entry.end.lost = lost;
    for (const waiter of entry.waiters.splice(0)) waiter();
    this.emit({ type: "container-exited", sandboxId: record.config.sandboxId, containerId: id });
    await this.cgroups?.remove(id);
    return false;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends `closed` and forgets every listener. */
  close(): void {
    this.emit({ type: "closed" });
    this.listeners.clear();
  }

  emit(event: RuntimeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`runtime event listener failed: ${(error as Error).message}`);
      }
    }
  }
}
