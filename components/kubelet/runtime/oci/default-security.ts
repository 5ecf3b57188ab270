// The container runtimes' defaults for a container's security (containerd pkg/oci/spec.go and
// pkg/cri/opts/spec_linux.go): capabilities, masked and read-only /proc paths.

import { readFileSync } from "node:fs";

/** containerd's default capability set for a non-privileged container. */
export const defaultCapabilities = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Every capability Linux 5.9+ knows, in bit order (what `privileged` and `add: [ALL]` ask for). */
export const allCapabilities = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/** containerd's defaultUnixMaskedPaths: hidden (an empty file or tmpfs over them) unless privileged. */
export const maskedPaths = [
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
  "/proc/scsi",
];

/** containerd's defaultUnixReadonlyPaths. */
export const readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

let bounding: Set<string> | undefined;

/**
 * The capabilities this process may hand on (its bounding set): containerd's privileged gives "all
 * current capabilities" (WithAllCurrentCapabilities), since capset refuses any others.
 */
export function hostCapabilities(): Set<string> {
  if (bounding !== undefined) return bounding;
  let mask = (1n << BigInt(allCapabilities.length)) - 1n;
  try {
    const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (hex !== undefined) mask = BigInt(`0x${hex}`);
  } catch {
    // Not Linux: assume every capability.
  }
  bounding = new Set(allCapabilities.filter((_, bit) => (mask >> BigInt(bit)) & 1n));
  return bounding;
}

/**
 * The capability set after a securityContext's add/drop (containerd WithCapabilities semantics:
 * drop ALL empties the set before adds, add ALL gives every capability; names with or without CAP_).
 */
export function effectiveCapabilities(
  privileged: boolean,
  add: readonly string[] = [],
  drop: readonly string[] = [],
): string[] {
  const host = hostCapabilities();
  if (privileged) return allCapabilities.filter((cap) => host.has(cap));
  const norm = (name: string) => {
    const upper = name.toUpperCase();
    return upper === "ALL" ? "ALL" : upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  };
  const adds = add.map(norm);
  const drops = drop.map(norm);
  let set = new Set(drops.includes("ALL") ? [] : defaultCapabilities);
  for (const cap of drops) set.delete(cap);
  if (adds.includes("ALL")) set = new Set(allCapabilities.filter((cap) => host.has(cap)));
  for (const cap of adds) if (cap !== "ALL") set.add(cap);
  // A drop wins over the defaults but not over an explicit add, as containerd orders them.
  return allCapabilities
    .filter((cap) => set.has(cap))
    .concat([...set].filter((c) => !allCapabilities.includes(c)));
}
