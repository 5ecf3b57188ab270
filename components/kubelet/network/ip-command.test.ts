// ipBatch's temp files: a file a killed kubelet left behind is swept once it is older than any
// batch can run, a fresh one (another kubelet's batch in flight) is kept.

import { afterEach, expect, test } from "bun:test";
import { existsSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ipBatch, sweepStaleBatches } from "./ip-command.ts";

const stale = join(tmpdir(), `kube-ip-batch-kt-stale-${process.pid}`);
const fresh = join(tmpdir(), `kube-ip-batch-kt-fresh-${process.pid}`);

afterEach(() => {
  rmSync(stale, { force: true });
  rmSync(fresh, { force: true });
});

test("stale batch files go, fresh ones stay; a batch still runs", async () => {
  writeFileSync(stale, "link show lo\n");
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(stale, hourAgo, hourAgo);
  writeFileSync(fresh, "link show lo\n");
  await sweepStaleBatches();
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(fresh)).toBe(true);
  expect(await ipBatch([["link", "show", "lo"]])).toBe(true);
});
