// The octet leases: exclusive between live processes, taken over from dead ones, released once.

import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leaseOctet, octetsInUse } from "./octet-lease.ts";

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), "kt-lease-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Octets in [from, to] the host does not use (so the test does not depend on this machine's routes). */
function freeRange(size: number): [number, number] {
  const used = octetsInUse();
  for (let from = 20; from + size - 1 < 250; from++) {
    let clear = true;
    for (let o = from; o < from + size; o++) if (used.has(o)) clear = false;
    if (clear) return [from, from + size - 1];
  }
  throw new Error("no free octets on this host");
}

test("each lease of a range gets a different octet; a full range fails naming it", () => {
  const d = dir();
  const [from, to] = freeRange(3);
  const leases = [leaseOctet(from, to, [], d), leaseOctet(from, to, [], d), leaseOctet(from, to, [], d)];
  expect(new Set(leases.map((l) => l.octet)).size).toBe(3);
  for (const l of leases) expect(l.octet >= from && l.octet <= to).toBe(true);
  expect(() => leaseOctet(from, to, [], d)).toThrow(`no free 10.x.0.0/16 with x in ${from}..${to}`);
  leases[1]?.release();
  leases[1]?.release(); // idempotent
  expect(leaseOctet(from, to, [], d).octet).toBe(leases[1]?.octet as number);
});

test("a lease held by a live process is respected; one whose process died is taken over", async () => {
  const d = dir();
  const [from] = freeRange(1);
  writeFileSync(join(d, String(from)), String(process.ppid));
  expect(() => leaseOctet(from, from, [], d)).toThrow("no free");
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  writeFileSync(join(d, String(from)), String(gone.pid));
  const lease = leaseOctet(from, from, [], d);
  expect(lease.octet).toBe(from);
  lease.release();
  expect(readdirSync(d)).toEqual([]);
});

test("octets in `avoid` and on the host's routes are never leased; a bad range is refused", () => {
  const d = dir();
  const [from, to] = freeRange(2);
  expect(leaseOctet(from, to, [from], d).octet).toBe(to);
  const used = [...octetsInUse()].find((o) => o > 0 && o < 255);
  if (used !== undefined) expect(() => leaseOctet(used, used, [], d)).toThrow("no free");
  expect(() => leaseOctet(5, 4, [], d)).toThrow("bad octet range 5..4");
  expect(() => leaseOctet(0, 256, [], d)).toThrow("bad octet range 0..256");
});
