// A 10.<octet>.0.0/16 leased to one test process while its cluster lives: one file per octet in
// the temp dir, created exclusively and holding the PID, so test files running side by side
// (`bun test --parallel`, two terminals) never pick the same service or pod range.

import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OctetLease {
  /** The second octet: the range is 10.<octet>.0.0/16. */
  readonly octet: number;
  /** Gives the octet back (idempotent). */
  release(): void;
}

/** Where the leases live; one file per leased octet. */
export const leaseDir = join(tmpdir(), "kt-octet-leases");

/** Second octets of 10.x addresses and routes this host already has (any namespace's bridge shows here). */
export function octetsInUse(): Set<number> {
  const routes = spawnSync("ip", ["-4", "route", "show", "table", "all"], { encoding: "utf8" }).stdout ?? "";
  const addrs = spawnSync("ip", ["-4", "-o", "addr"], { encoding: "utf8" }).stdout ?? "";
  const used = new Set<number>();
  for (const m of `${routes}\n${addrs}`.matchAll(/\b10\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lease file of `octet` (or one whose holder died); false when a live process holds it. */
function take(octet: number, dir: string): boolean {
  const file = join(dir, String(octet));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(file, "utf8"));
    } catch {
      continue; // released meanwhile: try again
    }
    // A half-written file (holder NaN) belongs to a process creating it right now.
    if (Number.isNaN(holder) || alive(holder)) return false;
    rmSync(file, { force: true });
  }
  return false;
}

/**
 * Leases a free second octet in [from, to]: not used by any address or route on this host, not in
 * `avoid`, and not leased by another live test process.
 */
export function leaseOctet(
  from: number,
  to: number,
  avoid: Iterable<number> = [],
  dir = leaseDir,
): OctetLease {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 255 || from > to) {
    throw new Error(`bad octet range ${from}..${to}`);
  }
  mkdirSync(dir, { recursive: true });
  const skip = new Set([...octetsInUse(), ...avoid]);
  const candidates: number[] = [];
  for (let octet = from; octet <= to; octet++) if (!skip.has(octet)) candidates.push(octet);
  // Random order: two processes starting together rarely contend for the same file.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j] as number, candidates[i] as number];
  }
  for (const octet of candidates) {
    if (!take(octet, dir)) continue;
    let released = false;
    return {
      octet,
      release() {
        if (released) return;
        released = true;
        rmSync(join(dir, String(octet)), { force: true });
      },
    };
  }
  throw new Error(`no free 10.x.0.0/16 with x in ${from}..${to} (leases in ${dir})`);
}
