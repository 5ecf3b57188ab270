// The RuntimeDefault seccomp profile (after containerd's contrib/seccomp/seccomp_default.go, written
// as a deny list): what a container may not call unless it holds the capability that makes it safe.

/** The OCI `linux.seccomp` object (runtime-spec config-linux.md#seccomp). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: Array<{
    names: string[];
    action: string;
    errnoRet?: number;
    args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
  }>;
}

const EPERM = 1;
const ENOSYS = 38;

/** Always refused: kernel keyring, module loading, kexec, accounting, obsolete and unsafe calls. */
const alwaysDenied = [
  "add_key",
  "keyctl",
  "request_key",
  "kexec_load",
  "kexec_file_load",
  "create_module",
  "get_kernel_syms",
  "query_module",
  "nfsservctl",
  "uselib",
  "ustat",
  "sysfs",
  "_sysctl",
  "vm86",
  "vm86old",
  "lookup_dcookie",
  "userfaultfd",
  "perf_event_open",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
];

/** Refused unless the container holds the capability (containerd's `includes.caps`). */
const deniedWithoutCap: Record<string, string[]> = {
  CAP_SYS_ADMIN: [
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "setns",
    "unshare",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "name_to_handle_at",
    "quotactl",
    "quotactl_fd",
    "setdomainname",
    "sethostname",
    "fanotify_init",
    "bpf",
  ],
  CAP_SYS_MODULE: ["init_module", "finit_module", "delete_module"],
  CAP_SYS_BOOT: ["reboot"],
  CAP_SYS_PACCT: ["acct"],
  CAP_SYS_TIME: [
    "settimeofday",
    "stime",
    "clock_settime",
    "clock_settime64",
    "clock_adjtime",
    "clock_adjtime64",
  ],
  CAP_SYS_RAWIO: ["iopl", "ioperm"],
  CAP_DAC_READ_SEARCH: ["open_by_handle_at"],
  CAP_SYSLOG: ["syslog"],
  CAP_SYS_NICE: ["mbind", "move_pages", "set_mempolicy"],
  CAP_SYS_PTRACE: ["kcmp"],
  CAP_SYS_TTY_CONFIG: ["vhangup"],
};

const architectures: Record<string, string[]> = {
  x64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  arm64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
};

/** The RuntimeDefault profile for a container holding `capabilities`. */
export function runtimeDefaultProfile(
  capabilities: readonly string[],
  arch: string = process.arch,
): SeccompProfile {
  const held = new Set(capabilities);
  const denied = [...alwaysDenied];
  for (const [cap, names] of Object.entries(deniedWithoutCap)) if (!held.has(cap)) denied.push(...names);
  const syscalls: SeccompProfile["syscalls"] = [{ names: denied, action: "SCMP_ACT_ERRNO", errnoRet: EPERM }];
  if (!held.has("CAP_SYS_ADMIN")) {
    // clone's flags are its first argument on x86_64 and arm64 alike; clone3 passes them in memory,
    // which seccomp cannot read, so it reports ENOSYS and libc falls back to clone (as containerd does).
    // One rule per namespace flag (NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME):
    // a rule matches when (flags & bit) == bit, and any match refuses.
    const bits = [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000, 0x80];
    for (const bit of bits) {
      syscalls.push({
        names: ["clone"],
        action: "SCMP_ACT_ERRNO",
        errnoRet: EPERM,
        args: [{ index: 0, value: bit, valueTwo: bit, op: "SCMP_CMP_MASKED_EQ" }],
      });
    }
    syscalls.push({ names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS });
  }
  return { defaultAction: "SCMP_ACT_ALLOW", architectures: architectures[arch] ?? [], syscalls };
}
