// ipBatch's temp files: a file a killed kubelet left behind is swept (its writer's PID is gone,
// or it is older than any batch can run); a live kubelet's batch in flight is kept.

import { afterEach, expect, test } from "bun:test";
import { existsSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ipBatch, sweepStaleBatches } from "./ip-command.ts";

const stale = join(tmpdir(), `kube-ip-batch-kt-stale-${process.pid}`);
const fresh = join(tmpdir(), `kube-ip-batch-kt-fresh-${process.pid}`);
// A PID no process has (above the kernel's pid_max default of 4194304).
const orphan = join(tmpdir(), `kube-ip-batch-4194399-kt-${process.pid}`);
const live = join(tmpdir(), `kube-ip-batch-${process.ppid}-kt-${process.pid}`);

afterEach(() => {
  rmSync(stale, { force: true });
  rmSync(fresh, { force: true });
  rmSync(orphan, { force: true });
  rmSync(live, { force: true });
});

test("a dead writer's or a stale batch file goes, a live one stays; a batch still runs", async () => {
  writeFileSync(stale, "link show lo\n");
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(stale, hourAgo, hourAgo);
  writeFileSync(fresh, "link show lo\n");
  writeFileSync(orphan, "link show lo\n");
  writeFileSync(live, "link show lo\n");
  await sweepStaleBatches();
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(orphan)).toBe(false);
  expect(existsSync(fresh)).toBe(true);
  expect(existsSync(live)).toBe(true);
  expect(await ipBatch([["link", "show", "lo"]])).toBe(true);
});
