// Linux syscall numbers the OCI container monitor calls through Perl's `syscall` (no modules: each
// costs milliseconds per start), per CPU architecture (process.arch).

const names = [
  "setsid",
  "prctl",
  "unshare",
  "mount",
  "umount2",
  "clock_gettime",
  "exit_group",
  "recvmsg",
  "dup3",
  "rt_sigaction",
  "setpriority",
] as const;

/** From the kernel's tables: arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h. */
const tables: Record<string, Record<(typeof names)[number], number>> = {
  x64: {
    setsid: 112,
    prctl: 157,
    unshare: 272,
    mount: 165,
    umount2: 166,
    clock_gettime: 228,
    exit_group: 231,
    recvmsg: 47,
    dup3: 292,
    rt_sigaction: 13,
    setpriority: 141,
  },
  arm64: {
    setsid: 157,
    prctl: 167,
    unshare: 97,
    mount: 40,
    umount2: 39,
    clock_gettime: 113,
    exit_group: 94,
    recvmsg: 212,
    dup3: 24,
    rt_sigaction: 134,
    setpriority: 140,
  },
};

/** The monitor's `syscalls` argument ("112:157:..." in its order); throws on an unknown architecture. */
export function monitorSyscalls(arch: string = process.arch): string {
  const table = tables[arch];
  if (table === undefined) {
    throw new Error(`the OCI runtime knows no syscall numbers for the ${arch} architecture (x64, arm64)`);
  }
  return names.map((name) => table[name]).join(":");
}
