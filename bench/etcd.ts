// `make bench`, storage: kube etcd and a real etcd 3.4 side by side, measured with the same
// gRPC client (storage/etcd/client.ts) from this process, in the same durability class:
// kube etcd --fsync against etcd (which fsyncs its WAL), plus kube etcd's default
// (crash-safe, no fsync) as a third column. Each figure is a fixed-time run; watch latency
// is put-to-event time across 100 watchers (BENCH_ETCD_WATCH_PUTS puts, 1000: its p99 is then
// the 10th slowest put, not the 2nd). Then etcd's own check, `etcdctl check perf --load=s`
// (60 s each; BENCH_ETCD_CHECK_PERF=0 skips it), against kube etcd --fsync and etcd 3.4.
// BENCH_KUBE=<kube>: another build's kube etcd (an A/B of the same rows, as the apiserver bench).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEtcd } from "../storage/etcd/client.ts";
import { bytes, prefixRange } from "../storage/keys.ts";
import type { KV } from "../storage/kv.ts";
import { startRealEtcd } from "../test/harness/etcd.ts";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

const RUN_MS = Number(process.env.BENCH_MS ?? 3000);
const CHECK_PERF = process.env.BENCH_ETCD_CHECK_PERF !== "0";
const WATCH_PUTS = Number(process.env.BENCH_ETCD_WATCH_PUTS ?? 1000);
const VALUE = bytes("x".repeat(256));

interface Target {
  name: string;
  kv: KV;
  endpoint: string;
  stop: () => Promise<void>;
}

async function kubeEtcd(fsync: boolean): Promise<Target> {
  if (!process.env.BENCH_KUBE) await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-etcd-"));
  const argv = [
    process.env.BENCH_KUBE ?? kubeBinary,
    "etcd",
    "--data-dir",
    join(dir, "data"),
    "--listen-client-urls",
    "http://127.0.0.1:0",
  ];
  if (fsync) argv.push("--fsync");
  const proc = spawnKube(argv);
  const [, endpoint = ""] = await proc.waitFor(/serving the etcd v3 API on (http:\/\/[^\s,;]+)/);
  const kv = await connectEtcd({ endpoints: [endpoint] });
  return {
    name: fsync ? "kube etcd --fsync" : "kube etcd",
    kv,
    endpoint,
    stop: async () => {
      await kv.close();
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function realEtcd(): Promise<Target> {
  const etcd = await startRealEtcd();
  const kv = await connectEtcd({ endpoints: [etcd.endpoint] });
  return {
    name: "etcd 3.4",
    kv,
    endpoint: etcd.endpoint,
    stop: async () => {
      await kv.close();
      await etcd.stop();
    },
  };
}

/** Operations per second of `op` run by `workers` concurrent loops for RUN_MS. */
async function throughput(
  workers: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<number> {
  let count = 0;
  const end = performance.now() + RUN_MS;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        await op(w, i);
        count++;
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** p50/p99 milliseconds from a put to its event at each of 100 watchers. */
async function watchLatency(kv: KV, prefix: string): Promise<{ p50: number; p99: number }> {
  const watchers = 100;
  const puts = WATCH_PUTS;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const watches = Array.from({ length: watchers }, () => kv.watch(prefixRange(bytes(prefix))));
  const readers = watches.map(async (w) => {
    let seen = 0;
    for await (const batch of w) {
      const now = performance.now();
      for (const e of batch.events) {
        const sent = sentAt.get(Number(new TextDecoder().decode(e.kv.value)));
        if (sent !== undefined) latencies.push(now - sent);
        seen++;
      }
      if (seen >= puts) break;
    }
  });
  // Let every watch register before the first put (a write then a read of its revision).
  await kv.put(bytes(`${prefix}warmup-marker-outside`), VALUE);
  await Bun.sleep(200);
  for (let i = 0; i < puts; i++) {
    // The clock starts before the put is sent: an event may arrive before the put's own reply.
    sentAt.set(i, performance.now());
    await kv.put(bytes(`${prefix}k${i % 10}`), bytes(String(i)));
    await Bun.sleep(2);
  }
  await Promise.race([Promise.all(readers), Bun.sleep(10_000)]);
  for (const w of watches) w.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function measure(t: Target): Promise<Record<string, number>> {
  const kv = t.kv;
  const out: Record<string, number> = {};
  out["put/s, 1 client"] = await throughput(1, (_, i) => kv.put(bytes(`/bench/seq/${i % 1000}`), VALUE));
  out["put/s, 64 clients"] = await throughput(64, (w, i) =>
    kv.put(bytes(`/bench/par/${w}/${i % 100}`), VALUE),
  );
  out["range/s, 64 clients"] = await throughput(64, (w) => kv.range({ key: bytes(`/bench/par/${w}/1`) }));
  const lat = await watchLatency(kv, "/bench/watch/");
  out["watch p50 ms (100 watchers)"] = lat.p50;
  out["watch p99 ms (100 watchers)"] = lat.p99;
  return out;
}

export async function benchEtcd(): Promise<void> {
  const results: { name: string; figures: Record<string, number> }[] = [];
  const checks: string[] = [];
  for (const open of [() => kubeEtcd(true), realEtcd, () => kubeEtcd(false)]) {
    const t = await open();
    try {
      results.push({ name: t.name, figures: await measure(t) });
      if (CHECK_PERF && t.name !== "kube etcd") checks.push(`${t.name}: ${await checkPerf(t.endpoint)}`);
    } finally {
      await t.stop();
    }
  }
  printTable(results);
  if (checks.length > 0) {
    console.log("\netcdctl check perf --load=s (60 s, 50 clients, 150 writes/s target):");
    for (const c of checks) console.log(`  ${c}`);
  }
}

/** `etcdctl check perf --load=s` against `endpoint`: its verdict lines, joined. */
async function checkPerf(endpoint: string): Promise<string> {
  const proc = Bun.spawn(["etcdctl", `--endpoints=${endpoint}`, "check", "perf", "--load=s"], {
    env: { ...process.env, ETCDCTL_API: "3" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  // The progress bar redraws with \r; the verdicts are the PASS/FAIL lines after it.
  const verdicts = `${out}\n${err}`
    .split(/[\r\n]+/)
    .map((l) => l.replace(/^.*%\s*(?:\d+m\d+s)?\s*/, "").trim())
    .filter((l) => /^(PASS|FAIL)/.test(l));
  return verdicts.length > 0
    ? verdicts.join("; ")
    : `etcdctl exited ${code}: ${err.trim().split("\n").pop()}`;
}

function printTable(results: { name: string; figures: Record<string, number> }[]): void {
  const [kube, etcd, kubeDefault] = results;
  if (!kube || !etcd || !kubeDefault) return;
  const rows = Object.keys(kube.figures);
  const fmt = (n: number | undefined) => (n === undefined ? "-" : n >= 100 ? n.toFixed(0) : n.toFixed(2));
  const header = ["metric", kube.name, etcd.name, "ratio (kube/etcd)", kubeDefault.name];
  const table = rows.map((row) => {
    const a = kube.figures[row] as number;
    const b = etcd.figures[row] as number;
    const lowerIsBetter = row.includes("ms");
    const ratio = lowerIsBetter ? b / a : a / b;
    return [
      row,
      fmt(a),
      fmt(b),
      `${ratio.toFixed(2)}x${lowerIsBetter ? " (faster when >1)" : ""}`,
      fmt(kubeDefault.figures[row]),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  console.log(`\nstorage: kube etcd vs etcd 3.4, same gRPC client, ${RUN_MS} ms per figure, 256-byte values`);
  console.log(line(header));
  for (const r of table) console.log(line(r));
}
