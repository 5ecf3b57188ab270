// `kube init` then `kube kubelet` (kubeadm's flow in two commands): the kubelet starts the
// static etcd, apiserver, controller manager and scheduler before any API answers, registers,
// and shows them as mirror pods; kubectl with admin.conf works; `kill -9` of the apiserver's
// process is undone by the kubelet; editing a manifest upgrades that component; Ctrl-C (SIGINT)
// stops every pod and leaves no bridge, network namespace or process behind.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../../components/kubelet/network/bridge.ts";
import { freePort } from "../../harness/etcd.ts";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, kubectlBinary, kubectlWithKubeconfig } from "../../harness/kubectl.ts";
import { leftovers, removeKubeletPods } from "../../harness/kubelet.ts";
import { until } from "../../harness/until.ts";

const runnable = process.getuid?.() === 0 && kubectlBinary() !== null;

/**
 * PIDs of the processes that run `executable` (argv[0]) with every one of `parts` in their
 * command line (not their supervisors, whose command lines hold the argv too).
 */
function pidsWith(executable: string, ...parts: string[]): number[] {
  const out = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout ?? "";
  return out
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .filter((m) => (m[2] ?? "").startsWith(`${executable} `) && parts.every((p) => (m[2] ?? "").includes(p)))
    .map((m) => Number(m[1]));
}

describe.skipIf(!runnable)("kube init: a self-hosted control plane from static pods", () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-init-"));
  const node = `kt-init-${process.pid}`;
  const rootDir = join(dir, "kubelet-root");
  let securePort = 0;
  let kubelet: KubeProcess | undefined;
  let kubectl: Kubectl;

  const mirrors = async (): Promise<Record<string, { phase: string; restarts: number; ready: boolean }>> => {
    const r = await kubectl(["get", "pods", "-n", "kube-system", "-o", "json"], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(r.stderr);
    const list = JSON.parse(r.stdout) as {
      items: {
        metadata: { name: string };
        status?: { phase?: string; containerStatuses?: { restartCount: number; ready: boolean }[] };
      }[];
    };
    return Object.fromEntries(
      list.items.map((p) => [
        p.metadata.name,
        {
          phase: p.status?.phase ?? "",
          restarts: p.status?.containerStatuses?.[0]?.restartCount ?? 0,
          ready: p.status?.containerStatuses?.[0]?.ready ?? false,
        },
      ]),
    );
  };

  beforeAll(async () => {
    await ensureKubeBuilt();
    securePort = await freePort();
    const etcdPort = await freePort();
    const init = spawnSync(
      kubeBinary,
      [
        "init",
        "--dir",
        dir,
        "--node-name",
        node,
        "--apiserver-bind-port",
        String(securePort),
        "--etcd-port",
        String(etcdPort),
      ],
      { encoding: "utf8" },
    );
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(`kube kubelet --pod-manifest-path ${join(dir, "manifests")}`);
    kubectl = kubectlWithKubeconfig(join(dir, "admin.conf"));
  }, 120_000);

  afterAll(async () => {
    kubelet?.kill("SIGKILL");
    await kubelet?.exited;
    await removeKubeletPods(node, rootDir);
    kubectl?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("init wrote the certificates, four kubeconfigs and four manifests", () => {
    for (const file of ["admin.conf", "controller-manager.conf", "scheduler.conf", "kubelet.conf"])
      expect(readFileSync(join(dir, file), "utf8")).toContain(`server: https://127.0.0.1:${securePort}`);
    for (const file of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
      expect(readFileSync(join(dir, "manifests", `${file}.yaml`), "utf8")).toContain("image: kube");
    for (const file of ["ca.crt", "server.crt", "service-account.key", "apiserver-kubelet-client.crt"])
      expect(readFileSync(join(dir, "pki", file), "utf8")).toContain("-----BEGIN");
  });

  test("the kubelet starts the static pods at once, registers, and mirrors them", async () => {
    kubelet = spawnKube([
      kubeBinary,
      "kubelet",
      "--pod-manifest-path",
      join(dir, "manifests"),
      "--kubeconfig",
      join(dir, "kubelet.conf"),
      "--node-name",
      node,
      "--root-dir",
      rootDir,
      "--port",
      "0",
      "--read-only-port",
      "0",
      "--file-check-frequency",
      "1s",
    ]);
    // Before any API answers: all four started (no wait for Services).
    for (const name of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
      await kubelet.waitFor(new RegExp(`Started container ${name}\\b`), 20_000);
    await kubelet.waitFor(/kubelet ready \(joined to https:/, 60_000);
    const ready = await until(
      "node Ready",
      async () => {
        const r = await kubectl(["get", "node", node, "--no-headers"]);
        return /\sReady\s/.test(r.stdout) ? r.stdout : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(ready).toContain(node);
    const pods = await until(
      "four Running mirror pods",
      async () => {
        const m = await mirrors();
        const names = Object.keys(m).filter((n) => m[n]?.phase === "Running");
        return names.length === 4 ? m : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(Object.keys(pods).sort()).toEqual(
      ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((c) => `${c}-${node}`),
    );
  }, 180_000);

  test("kubectl with admin.conf works as cluster admin: a deployment gets scheduled and runs", async () => {
    const created = await kubectl(["create", "deployment", "kt-web", "--image=nginx"]);
    expect(created.code).toBe(0);
    await until(
      "kt-web available",
      async () => {
        const r = await kubectl([
          "get",
          "deployment",
          "kt-web",
          "-o",
          "jsonpath={.status.availableReplicas}",
        ]);
        return r.stdout === "1" ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect((await kubectl(["delete", "deployment", "kt-web", "--wait=false"])).code).toBe(0);
  }, 120_000);

  test("kill -9 of the apiserver's process: the kubelet starts it again and the API answers", async () => {
    const before = (await mirrors())[`kube-apiserver-${node}`]?.restarts ?? 0;
    const pids = pidsWith(kubeBinary, "apiserver", `--secure-port=${securePort}`);
    expect(pids).toHaveLength(1);
    process.kill(pids[0] as number, "SIGKILL");
    const after = await until(
      "the apiserver restarted and answering",
      async () => {
        const m = await mirrors();
        const status = m[`kube-apiserver-${node}`];
        return status && status.restarts > before && status.ready ? status : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(after.restarts).toBe(before + 1);
    const again = pidsWith(kubeBinary, "apiserver", `--secure-port=${securePort}`);
    expect(again).toHaveLength(1);
    expect(again[0]).not.toBe(pids[0]);
  }, 120_000);

  test("kill -9 of etcd, the controller manager and the scheduler: each comes back, writes work", async () => {
    const components: [string, string[]][] = [
      ["etcd", ["etcd", "--listen-client-urls="]],
      ["kube-controller-manager", ["controller-manager", "controller-manager.conf"]],
      ["kube-scheduler", ["scheduler", "scheduler.conf"]],
    ];
    for (const [name, parts] of components) {
      const before = (await mirrors())[`${name}-${node}`]?.restarts ?? 0;
      const pids = pidsWith(kubeBinary, ...parts);
      expect(pids).toHaveLength(1);
      process.kill(pids[0] as number, "SIGKILL");
      await until(
        `${name} restarted`,
        async () => {
          const status = (await mirrors())[`${name}-${node}`];
          return status && status.restarts > before && status.ready ? status : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      expect(pidsWith(kubeBinary, ...parts)).toHaveLength(1);
    }
    // The store came back with its data: a write and a read through the apiserver.
    expect((await kubectl(["create", "configmap", "kt-after-kills", "--from-literal=k=v"])).code).toBe(0);
    expect((await kubectl(["get", "configmap", "kt-after-kills", "-o", "jsonpath={.data.k}"])).stdout).toBe(
      "v",
    );
  }, 300_000);

  test("editing a manifest upgrades that component (the scheduler gets --v=2)", async () => {
    const path = join(dir, "manifests", "kube-scheduler.yaml");
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("- --leader-elect=true", "- --leader-elect=true\n        - --v=2"),
    );
    await until(
      "the scheduler's mirror pod runs with --v=2",
      async () => {
        const r = await kubectl([
          "get",
          "pod",
          "-n",
          "kube-system",
          `kube-scheduler-${node}`,
          "-o",
          "jsonpath={.spec.containers[0].command} {.status.phase}",
        ]);
        return r.stdout.includes("--v=2") && r.stdout.endsWith("Running") ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await until("the new scheduler process", async () =>
      pidsWith(kubeBinary, "scheduler", "--v=2", "scheduler.conf").length === 1 ? true : undefined,
    );
  }, 120_000);

  test("Ctrl-C stops every pod and removes the bridge, namespaces and processes", async () => {
    const proc = kubelet as KubeProcess;
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    kubelet = undefined;
    expect(pidsWith(kubeBinary, join(dir, "pki")).concat(pidsWith(kubeBinary, dir, ".conf"))).toEqual([]);
    expect(leftovers(node)).toEqual([]);
    const link = spawnSync("ip", ["link", "show", bridgeName(node)], { encoding: "utf8" });
    expect(link.status).not.toBe(0);
  }, 60_000);
});
