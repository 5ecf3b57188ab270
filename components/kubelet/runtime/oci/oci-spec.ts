// The OCI runtime spec (opencontainers/runtime-spec config.md) kube writes for one container, with
// containerd's CRI defaults (pkg/cri/server/container_create_linux.go): mounts, devices, masked
// paths, capabilities, seccomp, user and cgroup limits from the pod spec.

import type { ResolvedUser } from "./container-user.ts";
import { effectiveCapabilities, maskedPaths, readonlyPaths } from "./default-security.ts";
import type { SeccompProfile } from "./seccomp-profile.ts";

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface OciNamespace {
  type: "pid" | "network" | "mount" | "ipc" | "uts" | "cgroup";
  path?: string;
}

export interface OciProcess {
  terminal: boolean;
  /** The pty's size before the process starts (with terminal). */
  consoleSize?: { width: number; height: number };
  user: { uid: number; gid: number; additionalGids: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: {
    bounding: string[];
    effective: string[];
    permitted: string[];
    inheritable: string[];
    ambient: string[];
  };
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  /** Runtime-specific settings (crun's `run.oci.*`). */
  annotations?: Record<string, string>;
  linux: {
    namespaces: OciNamespace[];
    cgroupsPath?: string;
    resources: {
      devices: Array<{ allow: boolean; access: string; type?: string; major?: number; minor?: number }>;
      memory?: { limit: number; swap?: number };
      cpu?: { shares?: number; quota?: number; period?: number };
    };
    maskedPaths: string[];
    readonlyPaths: string[];
    seccomp?: SeccompProfile;
  };
}

export interface SpecInput {
  args: string[];
  env: string[];
  cwd: string;
  user: ResolvedUser;
  rootfs: string;
  readonlyRootfs: boolean;
  privileged: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  /** allowPrivilegeEscalation: false sets no_new_privs (privileged never does). */
  allowPrivilegeEscalation?: boolean;
  /** RuntimeDefault (or Localhost) profile to apply; undefined: Unconfined. */
  seccomp?: (capabilities: string[]) => SeccompProfile;
  namespaces: OciNamespace[];
  /** Set only with a UTS namespace of the container's own (the pause container's). */
  hostname?: string;
  /** Volume, /etc and image binds: host path, container path, read-only. */
  binds: Array<{ source: string; destination: string; readOnly: boolean }>;
  cgroupsPath?: string;
  memoryLimitBytes?: number;
  cpuLimitMillis?: number;
  cpuRequestMillis?: number;
  terminal?: boolean;
  /** A host directory bound at /dev/shm (the pod's shm, or the host's with hostIPC); absent: a tmpfs of its own. */
  shm?: { source: string; readOnly: boolean };
}

/** containerd's default mounts: /proc, /dev (tmpfs, crun fills the default devices), pts, shm, mqueue, /sys. */
function defaultMounts(privileged: boolean, shm: SpecInput["shm"]): OciMount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    shm !== undefined
      ? {
          destination: "/dev/shm",
          type: "bind",
          source: shm.source,
          options: ["rbind", "rprivate", shm.readOnly ? "ro" : "rw", "nosuid", "nodev", "noexec"],
        }
      : {
          destination: "/dev/shm",
          type: "tmpfs",
          source: "shm",
          options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
        },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/sys",
      type: "sysfs",
      source: "sysfs",
      options: ["nosuid", "noexec", "nodev", privileged ? "rw" : "ro"],
    },
  ];
}

/** The spec for one container (or the pause container) from what the runtime resolved. */
export function buildSpec(input: SpecInput): OciSpec {
  const caps = effectiveCapabilities(input.privileged, input.capabilities?.add, input.capabilities?.drop);
  // A non-root user keeps only the bounding set: effective and permitted start empty after setuid,
  // as with Docker and containerd 2 (no ambient capabilities without a user namespace).
  const running = input.user.uid === 0 ? caps : [];
  const binds: OciMount[] = input.binds.map((b) => ({
    destination: b.destination,
    type: "bind",
    source: b.source,
    options: ["rbind", "rprivate", b.readOnly ? "ro" : "rw"],
  }));
  const spec: OciSpec = {
    ociVersion: "1.0.2",
    process: {
      terminal: input.terminal ?? false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: input.args,
      env: input.env,
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: running, permitted: running, inheritable: [], ambient: [] },
      noNewPrivileges: !input.privileged && input.allowPrivilegeEscalation === false,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    mounts: [...defaultMounts(input.privileged, input.shm), ...binds],
    linux: {
      namespaces: input.namespaces,
      resources: {
        devices: [{ allow: input.privileged, access: "rwm" }],
      },
      maskedPaths: input.privileged ? [] : maskedPaths,
      readonlyPaths: input.privileged ? [] : readonlyPaths,
    },
  };
  if (input.hostname !== undefined) spec.hostname = input.hostname;
  if (input.cgroupsPath !== undefined) spec.linux.cgroupsPath = input.cgroupsPath;
  if (input.memoryLimitBytes !== undefined) spec.linux.resources.memory = { limit: input.memoryLimitBytes };
  const cpu: { shares?: number; quota?: number; period?: number } = {};
  if (input.cpuRequestMillis !== undefined)
    cpu.shares = Math.max(2, Math.floor((input.cpuRequestMillis * 1024) / 1000));
  if (input.cpuLimitMillis !== undefined) {
    cpu.period = 100_000;
    cpu.quota = Math.max(1000, Math.floor((input.cpuLimitMillis * cpu.period) / 1000));
  }
  if (Object.keys(cpu).length > 0) spec.linux.resources.cpu = cpu;
  if (!input.privileged && input.seccomp !== undefined) spec.linux.seccomp = input.seccomp(caps);
  return spec;
}
