// The kubelet's container runtime contract, shaped after CRI (k8s.io/cri-api RuntimeService):
// pod sandboxes (a network namespace with an IP) holding containers (process trees). The kubelet
// core decides what should run; a Runtime only does what it is told and reports what it sees.
// Three implementations: the process runtime (host processes, netns, bridge), the OCI runtime
// (crun: rootfs, namespaces, capabilities, seccomp; `--runtime=oci`) and the fake one (kwok-style,
// no processes) behind `--runtime=fake`.

import type { Readable, Writable } from "node:stream";

/** What the kubelet asks for when a pod starts: one sandbox per pod UID. */
export interface SandboxConfig {
  /** Pod UID; also the sandbox's stable key across kubelet restarts. */
  uid: string;
  name: string;
  namespace: string;
  /** `spec.hostNetwork`: share the host's network namespace, podIP = hostIP. */
  hostNetwork: boolean;
  /** The pod's hostname (`spec.hostname` or the pod name). */
  hostname: string;
  /** Contents of the pod's /etc/hosts and /etc/resolv.conf, written by the kubelet core. */
  hostsFile: string;
  resolvConf: string;
  /** Labels the runtime keeps with the sandbox so a restarted kubelet can match it to its pod. */
  labels: Record<string, string>;
  /** `spec.hostPID`, `spec.hostIPC`: no PID / IPC namespace of the pod's own (runtimes that isolate). */
  hostPID?: boolean;
  hostIPC?: boolean;
  /** `spec.shareProcessNamespace`: containers join the pod's PID namespace (the pause process is PID 1). */
  shareProcessNamespace?: boolean;
}

export interface SandboxStatus {
  /** Runtime-chosen ID (stable: the same sandbox keeps it across kubelet restarts). */
  id: string;
  uid: string;
  name: string;
  namespace: string;
  state: "ready" | "notready";
  /** Pod IP: from the node's pod CIDR, or the host IP for hostNetwork pods. */
  ip: string;
  hostNetwork: boolean;
  /** `ip netns` name, absent for hostNetwork or when namespaces are unavailable. */
  netns?: string;
  createdAt: Date;
  labels: Record<string, string>;
}

export interface Mount {
  /** Path on the host (a volume's directory or file). */
  hostPath: string;
  /** `volumeMounts[].mountPath` (with subPath already applied to hostPath). */
  containerPath: string;
  readOnly: boolean;
}

/** An OCI image's root filesystem (ResolvedImage.rootfs): read-only unpacked layers, lowest first. */
export interface ImageRootfs {
  layers: string[];
  /** The image config's User (`name`, `uid`, `name:group`, `uid:gid`). */
  user?: string;
  workingDir?: string;
  /** The image config's Env (`K=V`), under the container's own env. */
  env: string[];
}

/** The pod's and container's securityContext, merged (the container's fields win). */
export interface ContainerSecurity {
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  /** `seccompProfile`: RuntimeDefault, Unconfined or Localhost (with localhostProfile). */
  seccompProfile?: { type: string; localhostProfile?: string };
  supplementalGroups?: number[];
  fsGroup?: number;
}

export interface ContainerConfig {
  sandboxId: string;
  /** Container name, unique in the pod (init containers included). */
  name: string;
  /** 0 for the first start, +1 per restart (becomes restartCount). */
  attempt: number;
  /** The image name as written in the pod spec (reported back in status). */
  image: string;
  /** The full argv: image entrypoint/args with command/args applied and $(VAR) expanded. */
  argv: string[];
  /** Environment in spec order (later entries win), already resolved. */
  env: Array<[string, string]>;
  workingDir?: string;
  runAsUser?: number;
  runAsGroup?: number;
  mounts: Mount[];
  /** Keep stdin open for `kubectl attach -i` (`spec.containers[].stdin`). */
  stdin: boolean;
  tty: boolean;
  /** Host path of the file whose contents become the termination message (already a mount). */
  terminationMessagePath?: string;
  memoryLimitBytes?: number;
  /** CPU limit in millicores (quota) and request in millicores (shares). */
  cpuLimitMillis?: number;
  cpuRequestMillis?: number;
  labels: Record<string, string>;
  /** The image's own root filesystem (OCI images); absent for host-executable images. */
  rootfs?: ImageRootfs;
  /** Host files a host-executable image runs from (its file; kube's binary or source tree): a runtime
   * with its own root filesystem binds them read-only at the same paths. */
  imageFiles?: string[];
  security?: ContainerSecurity;
  /**
   * Join this running container's PID namespace (an ephemeral container's targetContainerName,
   * CRI's NamespaceMode TARGET); runtimes without PID namespaces ignore it.
   */
  targetContainerId?: string;
}

export type ContainerState = "created" | "running" | "exited" | "unknown";

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  image: string;
  state: ContainerState;
  pid?: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** "Completed", "Error", "OOMKilled", "StartError", ... as upstream reports them;
   * "CreateContainerError" (state "exited", never ran): the kubelet shows the container waiting. */
  reason?: string;
  message?: string;
  /** Where stdout and stderr go, in the CRI log format (`<RFC3339Nano> stdout F <line>`). */
  logPath: string;
  labels: Record<string, string>;
}

/** A process started inside a container for `kubectl exec` or an exec probe. */
export interface ExecProcess {
  stdin: Writable | undefined;
  stdout: Readable;
  /** Absent with a tty (stderr is merged into stdout). */
  stderr: Readable | undefined;
  /** Resolves with the exit code (128+signal when killed). */
  exited: Promise<number>;
  resize(width: number, height: number): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface ExecOptions {
  stdin: boolean;
  tty: boolean;
  /** Kill the process after this long (exec probes' timeoutSeconds). */
  timeoutMs?: number;
}

export interface ContainerStats {
  /** Cumulative CPU time in nanoseconds. */
  cpuUsageNanos: number;
  /** Working set in bytes. */
  memoryWorkingSetBytes: number;
  timestamp: Date;
}

/**
 * Something changed: a container exited (the kubelet re-syncs the pod that owns the sandbox), or
 * the runtime was closed and reports nothing more (sent to every listener by close()).
 */
export type RuntimeEvent =
  | { type: "container-exited"; sandboxId: string; containerId: string }
  | { type: "closed" };

export interface Runtime {
  /** "process", "oci" or "fake". */
  readonly name: string;
  /**
   * "netns": each pod has its own network namespace and IP; "host": pods share the host network
   * (not root, or namespaces unavailable); the kubelet logs which at start.
   */
  readonly networking: "netns" | "host";
  /** The node's IP as pods and the apiserver reach it (the bridge gateway in "netns" mode). */
  readonly nodeIP: string;
  /** The pod CIDR in use (e.g. "10.88.3.0/24"); undefined in "host" mode. */
  readonly podCIDR: string | undefined;
  /**
   * False for a runtime whose containers open no files (the fake, kwok-style runtime): the kubelet
   * still resolves each volume's sources (a missing ConfigMap is a FailedMount as upstream) but
   * writes no volume contents, /etc/hosts or resolv.conf for its pods. Absent means true.
   */
  readonly podFiles?: boolean;

  runSandbox(config: SandboxConfig): Promise<SandboxStatus>;
  /** Stops every container in the sandbox (grace period in seconds, then SIGKILL). */
  stopSandbox(id: string, gracePeriodSeconds: number): Promise<void>;
  /** Removes the network namespace, veth, and state; the sandbox's containers must be stopped. */
  removeSandbox(id: string): Promise<void>;
  /** Every sandbox this runtime holds, including those adopted from a previous kubelet run. */
  listSandboxes(): Promise<SandboxStatus[]>;
  /**
   * A pod's sandbox by its uid, without listing every sandbox (a new pod's worker asks once: a
   * burst of n pods listed n sandboxes n times). Absent: the kubelet filters listSandboxes().
   */
  podSandbox?(uid: string): Promise<SandboxStatus | undefined>;

  /** Creates and starts a container; a failure to start is reported as an exited status. */
  startContainer(config: ContainerConfig): Promise<ContainerStatus>;
  /** SIGTERM to the container's process group, then SIGKILL after the grace period. */
  stopContainer(id: string, gracePeriodSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(sandboxId?: string): Promise<ContainerStatus[]>;

  exec(containerId: string, argv: string[], options: ExecOptions): Promise<ExecProcess>;
  /** Attach to a running container's stdio (its stdin if `stdin` was set; output from now on). */
  attach(containerId: string): Promise<ExecProcess>;
  stats(containerId: string): Promise<ContainerStats | undefined>;

  /** Listen for runtime events; returns the unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** Release runtime resources (watchers, the bridge if no sandbox is left); pods keep running. */
  close(): Promise<void>;
}
