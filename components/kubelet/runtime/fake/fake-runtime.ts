// The fake runtime behind `kube kubelet --runtime=fake`, kwok-style (kubernetes-sigs/kwok
// pkg/kwok/controllers): no processes; sandboxes get IPs from the pod CIDR and containers run
// at once and forever, until stopped or until a test calls exit(). Cheap: 5000 pods in memory;
// with a state file they outlive the kubelet, which adopts them after a restart.

import type {
  ContainerConfig,
  ContainerStats,
  ContainerStatus,
  ExecProcess,
  Runtime,
  RuntimeEvent,
  SandboxConfig,
  SandboxStatus,
} from "../runtime.ts";
import { createFakeProcess } from "./fake-process.ts";
import { saveFakeState, takeFakeState } from "./fake-state.ts";
import { createIpPool } from "./ip-pool.ts";

export interface FakeRuntimeOptions {
  /** The node's IP, also hostNetwork pods' IP (default 127.0.0.1). */
  nodeIP?: string;
  /** IPv4 CIDR pod IPs come from (default 10.244.0.0/16). */
  podCIDR?: string;
  /** The clock for createdAt/startedAt/finishedAt and stats timestamps. */
  now?: () => Date;
  /**
   * Where sandboxes and containers are kept across a kubelet restart (kube's
   * <root-dir>/fake-runtime.json): written on close, read and removed at start, so a crash (no
   * close) loses the pods as a node's reboot would. Absent: in memory only.
   */
  stateFile?: string;
  /**
   * Whether the kubelet writes its pods' volume contents, /etc/hosts and resolv.conf and requests
   * their tokens, as for a runtime whose containers read them (default false: a kwok-style node
   * at scale, whose containers open no file; a test of those files sets true).
   */
  podFiles?: boolean;
}

export interface FakeExitOptions {
  /** Default: "Completed" for 0, "Error" otherwise, as upstream reports a process's exit. */
  reason?: string;
  message?: string;
}

export interface FakeRuntime extends Runtime {
  /** Makes a running container exit with `code`, as if its process had (a test hook). */
  exit(containerId: string, code: number, options?: FakeExitOptions): void;
}

interface FakeSandbox {
  status: SandboxStatus;
  containers: Set<string>;
}

interface FakeContainer {
  status: ContainerStatus;
  /** Attached processes waiting for the exit code; made only when someone attaches. */
  waiters?: Array<(code: number) => void>;
}

const copySandbox = (s: SandboxStatus): SandboxStatus => ({ ...s, labels: { ...s.labels } });
const copyContainer = (c: ContainerStatus): ContainerStatus => ({ ...c, labels: { ...c.labels } });

export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const nodeIP = options.nodeIP ?? "127.0.0.1";
  const pool = createIpPool(options.podCIDR ?? "10.244.0.0/16");
  const now = options.now ?? (() => new Date());
  const sandboxes = new Map<string, FakeSandbox>();
  const sandboxByUid = new Map<string, string>();
  const containers = new Map<string, FakeContainer>();
  const listeners = new Set<(event: RuntimeEvent) => void>();
  let serial = 0;

  const { stateFile } = options;
  const saved = stateFile ? takeFakeState(stateFile) : undefined;
  if (saved) {
    serial = saved.serial;
    for (const status of saved.sandboxes) {
      if (!status.hostNetwork) pool.claim(status.ip);
      sandboxes.set(status.id, { status, containers: new Set() });
      sandboxByUid.set(status.uid, status.id);
    }
    for (const status of saved.containers) {
      const sandbox = sandboxes.get(status.sandboxId);
      if (!sandbox) continue;
      containers.set(status.id, { status });
      sandbox.containers.add(status.id);
    }
  }
  // Written at close only: a save per change cost 18 s of a 310 s profile (100 nodes, 3000 pods).
  const save = (): void => {
    if (!stateFile) return;
    saveFakeState(stateFile, {
      serial,
      sandboxes: [...sandboxes.values()].map((s) => s.status),
      containers: [...containers.values()].map((c) => c.status),
    });
  };

  const emit = (event: RuntimeEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const runningContainer = (id: string): FakeContainer => {
    const container = containers.get(id);
    if (container === undefined) throw new Error(`container "${id}" not found`);
    if (container.status.state !== "running") {
      throw new Error(`container "${id}" is not running (state ${container.status.state})`);
    }
    return container;
  };

  const finish = (container: FakeContainer, code: number, exitOptions: FakeExitOptions = {}): void => {
    const { status } = container;
    if (status.state !== "running") return;
    status.state = "exited";
    status.exitCode = code;
    status.finishedAt = now();
    status.reason = exitOptions.reason ?? (code === 0 ? "Completed" : "Error");
    if (exitOptions.message !== undefined) status.message = exitOptions.message;
    for (const waiter of container.waiters ?? []) waiter(code);
    container.waiters = undefined;
    emit({ type: "container-exited", sandboxId: status.sandboxId, containerId: status.id });
  };

  const stopContainer = async (id: string, gracePeriodSeconds: number): Promise<void> => {
    const container = containers.get(id);
    // A SIGTERM'd process that exits in time reports 0 here; SIGKILL at once is 128+9.
    if (container !== undefined) finish(container, gracePeriodSeconds > 0 ? 0 : 137);
  };

  return {
    name: "fake",
    networking: "netns",
    podFiles: options.podFiles ?? false,
    nodeIP,
    podCIDR: pool.cidr,

    runSandbox: async (config: SandboxConfig) => {
      const existing = sandboxes.get(sandboxByUid.get(config.uid) ?? "");
      if (existing?.status.state === "ready") return copySandbox(existing.status);
      const status: SandboxStatus = {
        id: `fake-sandbox-${++serial}`,
        uid: config.uid,
        name: config.name,
        namespace: config.namespace,
        state: "ready",
        ip: config.hostNetwork ? nodeIP : pool.allocate(),
        hostNetwork: config.hostNetwork,
        createdAt: now(),
        labels: { ...config.labels },
      };
      sandboxes.set(status.id, { status, containers: new Set() });
      sandboxByUid.set(config.uid, status.id);
      return copySandbox(status);
    },

    stopSandbox: async (id, gracePeriodSeconds) => {
      const sandbox = sandboxes.get(id);
      if (sandbox === undefined) return;
      for (const containerId of sandbox.containers) await stopContainer(containerId, gracePeriodSeconds);
      sandbox.status.state = "notready";
    },

    removeSandbox: async (id) => {
      const sandbox = sandboxes.get(id);
      if (sandbox === undefined) return;
      for (const containerId of sandbox.containers) {
        await stopContainer(containerId, 0);
        containers.delete(containerId);
      }
      if (!sandbox.status.hostNetwork) pool.release(sandbox.status.ip);
      sandboxes.delete(id);
      if (sandboxByUid.get(sandbox.status.uid) === id) sandboxByUid.delete(sandbox.status.uid);
    },

    listSandboxes: async () => [...sandboxes.values()].map((s) => copySandbox(s.status)),

    startContainer: async (config: ContainerConfig) => {
      const sandbox = sandboxes.get(config.sandboxId);
      if (sandbox === undefined) throw new Error(`sandbox "${config.sandboxId}" not found`);
      if (sandbox.status.state !== "ready") throw new Error(`sandbox "${config.sandboxId}" is not ready`);
      const createdAt = now();
      const id = `fake-container-${++serial}`;
      const status: ContainerStatus = {
        id,
        sandboxId: config.sandboxId,
        name: config.name,
        attempt: config.attempt,
        image: config.image,
        state: "running",
        createdAt,
        startedAt: createdAt,
        // No process writes output; readers see an empty log.
        logPath: "/dev/null",
        labels: { ...config.labels },
      };
      containers.set(id, { status });
      sandbox.containers.add(id);
      return copyContainer(status);
    },

    stopContainer,

    removeContainer: async (id) => {
      const container = containers.get(id);
      if (container === undefined) return;
      finish(container, 137);
      containers.delete(id);
      sandboxes.get(container.status.sandboxId)?.containers.delete(id);
    },

    listContainers: async (sandboxId) => {
      if (sandboxId === undefined) return [...containers.values()].map((c) => copyContainer(c.status));
      const ids = sandboxes.get(sandboxId)?.containers ?? new Set<string>();
      return [...ids].flatMap((id) => {
        const container = containers.get(id);
        return container === undefined ? [] : [copyContainer(container.status)];
      });
    },

    exec: async (containerId, _argv, execOptions): Promise<ExecProcess> => {
      runningContainer(containerId);
      return createFakeProcess({ stdin: execOptions.stdin, tty: execOptions.tty });
    },

    attach: async (containerId) => {
      const container = runningContainer(containerId);
      const exit = new Promise<number>((resolve) => {
        container.waiters ??= [];
        container.waiters.push(resolve);
      });
      return createFakeProcess({ stdin: true, tty: false, exit });
    },

    stats: async (containerId): Promise<ContainerStats | undefined> =>
      containers.has(containerId)
        ? { cpuUsageNanos: 0, memoryWorkingSetBytes: 0, timestamp: now() }
        : undefined,

    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close: async () => {
      // What runs now is what the next start finds (a real runtime's pods outlive the kubelet).
      save();
      emit({ type: "closed" });
      listeners.clear();
    },

    exit: (containerId, code, exitOptions) => finish(runningContainer(containerId), code, exitOptions),
  };
}
