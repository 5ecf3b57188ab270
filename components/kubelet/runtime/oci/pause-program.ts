// The pause image's program in an OCI container: its script run by a statically linked busybox where
// the host has one (one exec, no dynamic loader, its `sleep` an applet forked without an exec) instead
// of sh exec'ing sleep; in a 20-pod start, sh and sleep were 12% of all the pods' CPU.

import { closeSync, openSync, readSync } from "node:fs";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";

/** Host directories a host-tools rootfs binds (container-rootfs.ts): the binary is there too. */
const systemDirs = ["/usr/", "/bin/", "/sbin/"];

const PT_INTERP = 3;

/** True for a 64-bit little-endian ELF executable without a PT_INTERP header (no dynamic loader). */
export function staticElf(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(64);
    if (readSync(fd, head, 0, 64, 0) !== 64) return false;
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return false;
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    if (phentsize < 4 || phnum === 0 || phnum > 256) return false;
    const table = Buffer.alloc(phentsize * phnum);
    if (readSync(fd, table, 0, table.length, phoff) !== table.length) return false;
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false;
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let found: string | null | undefined;

/** The host's static busybox in a bound system dir, or null. */
function staticBusybox(): string | null {
  if (found === undefined) {
    const path = Bun.which("busybox");
    found = path !== null && systemDirs.some((d) => path.startsWith(d)) && staticElf(path) ? path : null;
  }
  return found;
}

/** The argv to run for a host-tools image: the pause script under busybox, anything else unchanged. */
export function hostToolsArgv(argv: string[], busybox: string | null = staticBusybox()): string[] {
  const pause = argv.length === 3 && argv[0] === "/bin/sh" && argv[1] === "-c" && argv[2] === PAUSE_SCRIPT;
  return pause && busybox !== null ? [busybox, "sh", "-c", PAUSE_SCRIPT] : argv;
}
