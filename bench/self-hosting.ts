// `make bench`, self-hosting (BENCH=self-hosting): `kube init` once, then per run (BENCH_STARTS,
// fresh etcd data and kubelet root each time) the time from spawning `kube kubelet` with the
// manifests in place to the Node Ready in the API with the four control-plane mirror pods
// Running (polled every 10 ms with admin.conf's client certificate). Target: under 3 s.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKubeconfig } from "../lib/client/kubeconfig.ts";
import { freePort } from "../test/harness/etcd.ts";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const NODE = "kt-bench-self";
const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"];

interface Condition {
  type: string;
  status: string;
}

export async function benchSelfHosting(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("self-hosting: skipped (needs root for the pods' network)");
    return;
  }
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-init-"));
  try {
    const port = await freePort();
    const init = spawnSync(kubeBinary, [
      "init",
      "--dir",
      dir,
      "--node-name",
      NODE,
      "--apiserver-bind-port",
      String(port),
      "--etcd-port",
      String(await freePort()),
      "--etcd-data-dir",
      join(dir, "etcd"),
    ]);
    if (init.status !== 0) throw new Error(`kube init failed: ${init.stderr}`);
    const admin = loadKubeconfig(join(dir, "admin.conf"));
    const tls = { ca: admin.caPem, cert: admin.certPem, key: admin.keyPem };
    const get = async <T>(path: string): Promise<T | undefined> => {
      const r = await fetch(`${admin.server}${path}`, { tls, signal: AbortSignal.timeout(1000) });
      return r.ok ? ((await r.json()) as T) : undefined;
    };
    const times: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      rmSync(join(dir, "etcd"), { recursive: true, force: true });
      const root = join(dir, `kubelet-${i}`);
      const started = performance.now();
      const kubelet = spawnKube([
        kubeBinary,
        "kubelet",
        "--pod-manifest-path",
        join(dir, "manifests"),
        "--kubeconfig",
        join(dir, "kubelet.conf"),
        "--node-name",
        NODE,
        "--root-dir",
        root,
        "--port",
        "0",
        "--read-only-port",
        "0",
      ]);
      const marks: Record<string, number> = {};
      try {
        for (;;) {
          if (performance.now() - started > 120_000)
            throw new Error("no Ready node with mirror pods in 120 s");
          try {
            const node = await get<{ status?: { conditions?: Condition[] } }>(`/api/v1/nodes/${NODE}`);
            if (node && !marks.api) marks.api = performance.now() - started;
            const ready = node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
            if (ready && !marks.ready) marks.ready = performance.now() - started;
            const pods = await get<{ items: { metadata: { name: string }; status?: { phase?: string } }[] }>(
              "/api/v1/namespaces/kube-system/pods",
            );
            const running = new Set(
              (pods?.items ?? []).filter((p) => p.status?.phase === "Running").map((p) => p.metadata.name),
            );
            if (ready && COMPONENTS.every((c) => running.has(`${c}-${NODE}`))) break;
          } catch {
            // not up yet
          }
          await Bun.sleep(10);
        }
        times.push(performance.now() - started);
        console.log(
          `self-hosting: run ${i + 1}: API answering ${Math.round(marks.api ?? 0)} ms, node Ready ${Math.round(marks.ready ?? 0)} ms, four mirror pods Running ${Math.round(times.at(-1) ?? 0)} ms`,
        );
      } finally {
        kubelet.kill("SIGINT");
        await kubelet.exited;
        rmSync(root, { recursive: true, force: true });
      }
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(
      `self-hosting: kubelet start -> Ready node + control-plane mirror pods: median ${Math.round(median)} ms over ${times.length} runs (target < 3000 ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
