// The pause image's program in an OCI container: upstream's pause as a tiny static ELF written into the
// rootfs (pause-elf.ts: one exec, one process), else its script under a statically linked busybox where
// the host has one (busybox sh forks and re-execs itself for `sleep`: 5-8 ms of CPU a pod), else sh.

import { closeSync, openSync, readSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import { pauseElf } from "./pause-elf.ts";

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

/** True for the pause image's own command (not one a pod spec changed). */
function isPauseScript(argv: string[]): boolean {
  return argv.length === 3 && argv[0] === "/bin/sh" && argv[1] === "-c" && argv[2] === PAUSE_SCRIPT;
}

/** The argv to run for a host-tools image: the pause script under busybox, anything else unchanged. */
export function hostToolsArgv(argv: string[], busybox: string | null = staticBusybox()): string[] {
  return isPauseScript(argv) && busybox !== null ? [busybox, "sh", "-c", PAUSE_SCRIPT] : argv;
}

/** Where the pause program is written in a host-tools rootfs (upstream's image has it at /pause). */
export const PAUSE_PATH = "/pause";

/**
 * The argv for a host-tools image whose rootfs is `rootfs`: the pause script becomes the pause ELF,
 * written there for this container alone (its root may write its rootfs: never a shared inode);
 * without one for this CPU (or with KUBE_OCI_PAUSE_ELF=0, for A/B runs), hostToolsArgv's.
 */
export async function hostToolsProgram(
  argv: string[],
  rootfs: string,
  elf: Uint8Array | null = process.env.KUBE_OCI_PAUSE_ELF === "0" ? null : (pauseElf() ?? null),
): Promise<string[]> {
  if (!isPauseScript(argv) || elf === null) return hostToolsArgv(argv);
  await writeFile(join(rootfs, PAUSE_PATH), elf, { mode: 0o755 });
  return [PAUSE_PATH];
}
