// The process runtime's persisted state under <rootDir>/runtime: what a restarted kubelet reads to
// adopt the sandboxes and containers a previous run left running (the role of containerd's metadata).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerConfig } from "../runtime.ts";

export interface SandboxRecord {
  id: string;
  uid: string;
  name: string;
  namespace: string;
  hostname: string;
  hostNetwork: boolean;
  ip: string;
  /** `ip netns` name and host veth, absent for hostNetwork pods and in host networking mode. */
  netns?: string;
  veth?: string;
  createdAt: string;
  labels: Record<string, string>;
  /** Set by stopSandbox: the sandbox is "notready" until removed. */
  stopped?: boolean;
  /**
   * The pod's hosts and resolv.conf contents: written to the sandbox directory only when a
   * container mounts no /etc/hosts or /etc/resolv.conf of its own (the kubelet always gives its own).
   */
  hostsFile?: string;
  resolvConf?: string;
}

export interface ContainerRecord {
  id: string;
  config: ContainerConfig;
  createdAt: string;
  startedAt?: string;
  logPath: string;
  supervisorPid?: number;
  supervisorStartTime?: string;
  /** The container's pid (also its process group and session). */
  pid?: number;
  pidStartTime?: string;
  /** Set when the container could not start (no supervisor ran or its set-up failed). */
  startError?: { reason: string; message: string; at: string };
}

/** What the supervisor wrote in `exit`: "<code> <oomKills> <unixNanos>". */
export interface ExitRecord {
  exitCode: number;
  oomKills: number;
  finishedAt: Date;
}

let writes = 0;
/** Record files this process created: later saves replace them through a temp file. */
const created = new Set<string>();

/**
 * Written whole or not at all; each write has its own temp file, so two at once both land.
 * A record's first save creates its file directly (O_EXCL), without the rename: a kubelet that
 * dies mid-write leaves a file that does not parse, which the loaders skip just as they skip a
 * record never saved (a 100-pod start: 4.6 renames per pod before, 1.2 after; strace).
 * Synchronous, as the other small state-file reads and writes here: a Bun fs promise costs the JS
 * thread ~3x the CPU of the syscall done inline (a thread-pool hop and a wake-up per call; 2000
 * mkdir+write+rename+failed read: 0.28-0.38 ms vs 0.09-0.13 ms each), and these are local files.
 */
function writeJson(path: string, value: unknown): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (!created.has(path)) {
    created.add(path);
    try {
      writeFileSync(path, text, { flag: "wx" });
      return;
    } catch (error) {
      // Saved by an earlier kubelet (an adopted record): replaced as any later save.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const tmp = `${path}.${process.pid}.${++writes}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

async function readJsonDir<T>(dir: string, file: string): Promise<T[]> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const records: T[] = [];
  for (const name of names) {
    try {
      records.push(JSON.parse(await readFile(join(dir, name, file), "utf8")) as T);
    } catch {
      // Half-created or half-removed: not a record.
    }
  }
  return records;
}

export class RuntimeState {
  readonly root: string;

  constructor(rootDir: string) {
    this.root = join(rootDir, "runtime");
  }

  sandboxDir(id: string): string {
    return join(this.root, "sandboxes", id);
  }

  containerDir(id: string): string {
    return join(this.root, "containers", id);
  }

  get binDir(): string {
    return join(this.root, "bin");
  }

  get ipamDir(): string {
    return join(this.root, "ipam");
  }

  async saveSandbox(record: SandboxRecord): Promise<void> {
    mkdirSync(this.sandboxDir(record.id), { recursive: true });
    writeJson(join(this.sandboxDir(record.id), "sandbox.json"), record);
  }

  async saveContainer(record: ContainerRecord): Promise<void> {
    mkdirSync(this.containerDir(record.id), { recursive: true });
    writeJson(join(this.containerDir(record.id), "container.json"), record);
  }

  loadSandboxes(): Promise<SandboxRecord[]> {
    return readJsonDir<SandboxRecord>(join(this.root, "sandboxes"), "sandbox.json");
  }

  /** The ids of every container directory, with a record or not (a start cut short). */
  async containerIds(): Promise<string[]> {
    return readdir(join(this.root, "containers")).catch(() => []);
  }

  loadContainers(): Promise<ContainerRecord[]> {
    return readJsonDir<ContainerRecord>(join(this.root, "containers"), "container.json");
  }

  async removeSandbox(id: string): Promise<void> {
    created.delete(join(this.sandboxDir(id), "sandbox.json"));
    await rm(this.sandboxDir(id), { recursive: true, force: true });
  }

  async removeContainer(id: string): Promise<void> {
    created.delete(join(this.containerDir(id), "container.json"));
    await rm(this.containerDir(id), { recursive: true, force: true });
  }

  /** The supervisor's `exit` file, or undefined while the container runs. */
  async readExit(id: string): Promise<ExitRecord | undefined> {
    const path = join(this.containerDir(id), "exit");
    // Absent while the container runs (the common case): asked without a thrown ENOENT.
    if (!existsSync(path)) return undefined;
    try {
      const [code = "", oom = "0", nanos = "0"] = readFileSync(path, "utf8").trim().split(" ");
      return { exitCode: Number(code), oomKills: Number(oom), finishedAt: new Date(Number(nanos) / 1e6) };
    } catch {
      return undefined;
    }
  }

  /**
   * Records an end the supervisor could not (a one-process pause killed by a signal: its wait
   * status, from the launcher, is the container's), unless it recorded one itself.
   */
  writeExit(id: string, exitCode: number, finishedAt = new Date()): void {
    const path = join(this.containerDir(id), "exit");
    if (existsSync(path)) return;
    const nanos = BigInt(finishedAt.getTime()) * 1_000_000n;
    try {
      writeFileSync(`${path}.${process.pid}.tmp`, `${exitCode} 0 ${nanos}\n`);
      renameSync(`${path}.${process.pid}.tmp`, path);
    } catch (error) {
      // The container was removed meanwhile (its directory is gone): nothing left to record.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  /** A small state file of the container (`pid`, `start`), trimmed, or undefined when absent. */
  async readContainerFile(id: string, name: string): Promise<string | undefined> {
    const path = join(this.containerDir(id), name);
    if (!existsSync(path)) return undefined;
    try {
      return readFileSync(path, "utf8").trim();
    } catch {
      return undefined;
    }
  }

  async loadNetwork(): Promise<{ podCIDR: string; bridge: string } | undefined> {
    try {
      return JSON.parse(await readFile(join(this.root, "network.json"), "utf8")) as {
        podCIDR: string;
        bridge: string;
      };
    } catch {
      return undefined;
    }
  }

  async saveNetwork(network: { podCIDR: string; bridge: string }): Promise<void> {
    await mkdir(this.root, { recursive: true });
    writeJson(join(this.root, "network.json"), network);
  }
}
