// Linux syscall numbers the container supervisor calls through Perl's `syscall` (it loads no module:
// POSIX alone costs ~14 ms per start here), per CPU architecture (process.arch).

const names = [
  "setsid",
  "setns",
  "unshare",
  "mount",
  "setgroups",
  "setresgid",
  "setresuid",
  "clock_gettime",
  "exit_group",
  "sethostname",
] as const;

/** From the kernel's syscall tables: arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h. */
const tables: Record<string, Record<(typeof names)[number], number>> = {
  x64: {
    setsid: 112,
    setns: 308,
    unshare: 272,
    mount: 165,
    setgroups: 116,
    setresgid: 119,
    setresuid: 117,
    clock_gettime: 228,
    exit_group: 231,
    sethostname: 170,
  },
  arm64: {
    setsid: 157,
    setns: 268,
    unshare: 97,
    mount: 40,
    setgroups: 159,
    setresgid: 149,
    setresuid: 147,
    clock_gettime: 113,
    exit_group: 94,
    sethostname: 161,
  },
};

/** The supervisor's `syscalls` argument ("112:308:..." in its order); throws on an unknown architecture. */
export function supervisorSyscalls(arch: string = process.arch): string {
  const table = tables[arch];
  if (table === undefined) {
    throw new Error(`the process runtime knows no syscall numbers for the ${arch} architecture (x64, arm64)`);
  }
  return names.map((name) => table[name]).join(":");
}

/**
 * launcher.pl's first argument: rt_sigaction, openat, write, close, dup3, sched_setaffinity,
 * sched_getaffinity for this architecture.
 */
export function launcherSyscalls(arch: string = process.arch): string {
  const numbers: Record<string, string> = {
    x64: "13:257:1:3:292:203:204",
    arm64: "134:56:64:57:24:122:123",
  };
  const found = numbers[arch];
  if (found === undefined) {
    throw new Error(`the process runtime knows no syscall numbers for the ${arch} architecture (x64, arm64)`);
  }
  return found;
}
