// Seed 000's "Binding", "Replicas and Rolling update" sections replayed with the real kubectl
// against kube components as separate processes — apiserver, scheduler, controller-manager and
// three real kubelets (process runtime, a network namespace per pod) — asserting what the
// seed shows; then a node failure, cascading delete, namespace delete, a Job and a DaemonSet.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiserverArgv } from "../harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";
import {
  type KubeletProcess,
  leftovers,
  removeKubeletPods,
  startKubeletProcess,
} from "../harness/kubelet.ts";
import { until as waitUntil } from "../harness/until.ts";

const root = process.getuid?.() === 0;
// Leases renewed every second and a 5 s grace period, so a stopped kubelet shows in seconds.
const kubeletArgs = (url: string) => ["--api-servers", url, "--node-lease-duration-seconds", "4"];
const tag = `kt${process.pid % 100000}`;
const nodeNames = [1, 2, 3].map((i) => `${tag}-node${i}`);

const until = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 100, onTimeout });

/** Set by the suite: records the cluster's state when a wait times out (KT_DEBUG_DIR). */
let onTimeout: ((what: string) => Promise<void>) | undefined;

/** `ncat --recv-only ip 80`, retried while the pod's server is not listening yet. */
function recvOnly(ip: string): Promise<string> {
  return until(
    `${ip}:80`,
    () =>
      new Promise<string>((resolve, reject) => {
        let text = "";
        Bun.connect({
          hostname: ip,
          port: 80,
          socket: {
            data: (_s, d) => {
              text += d.toString();
            },
            close: () => resolve(text),
            connectError: (_s, e) => reject(e),
          },
        }).catch(reject);
      }),
  );
}

const podYaml =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  containers:\n  - name: hello\n    image: hello\n";
const bindYaml = (node: string) =>
  `apiVersion: v1\nkind: Binding\nmetadata:\n  name: hello\ntarget:\n  apiVersion: v1\n  kind: Node\n  name: ${node}\n`;
const template = `  template:
    metadata:
      labels:
        app: hello
    spec:
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      containers:
      - name: hello
        image: hello`;
const rsYaml = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: hello
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hello
${template}
`;
const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hello
${template}
`;

describe.skipIf(!root)("seed 000: binding, scheduler, replicas, rolling update", () => {
  let dir: string;
  let url = "";
  let api: KubeProcess | undefined;
  let scheduler: KubeProcess | undefined;
  let controllers: KubeProcess | undefined;
  const kubelets: KubeletProcess[] = [];
  let kubectl: Kubectl;

  const podIPs = async (selector: string): Promise<string[]> => {
    const r = await kubectl([
      "get",
      "pods",
      `-l${selector}`,
      "-o",
      'jsonpath={range .items[*] }{ .status.podIP }{"\\n"}{ end }',
    ]);
    return r.stdout
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  };
  const runningCount = async (selector: string): Promise<number> => {
    const r = await kubectl(["get", "pods", `-l${selector}`, "--no-headers"]);
    return r.stdout.split("\n").filter((l) => /\s1\/1\s+Running\s/.test(l)).length;
  };

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-seed000-"));
    api = spawnKube(apiserverArgv(join(dir, "db")));
    url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    kubectl = kubectlFor(url);
    const debugDir = process.env.KT_DEBUG_DIR;
    if (debugDir)
      onTimeout = async (what) => {
        const state = await kubectl(["get", "pods,nodes,rs,deploy,ds,events", "-o", "wide"]);
        const yaml = await kubectl(["get", "pods", "-o", "yaml"]);
        await Bun.write(
          join(debugDir, `timeout-${what.replace(/\W+/g, "-")}.txt`),
          `${state.stdout}\n${yaml.stdout}`,
        );
      };
    for (const name of nodeNames)
      kubelets.push(
        await startKubeletProcess({ nodeName: name, rootDir: join(dir, name), args: kubeletArgs(url) }),
      );
  }, 60_000);

  afterAll(async () => {
    if (process.env.KT_DEBUG_DIR)
      for (const [i, k] of kubelets.entries())
        await Bun.write(join(process.env.KT_DEBUG_DIR, `kubelet-${i}.log`), k.stderr());
    for (const p of [controllers, scheduler]) {
      p?.kill("SIGTERM");
      await p?.exited;
    }
    for (const [i, name] of nodeNames.entries()) await removeKubeletPods(name, join(dir, name), kubelets[i]);
    api?.kill("SIGTERM");
    await api?.exited;
    kubectl?.cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const name of nodeNames) expect(leftovers(name)).toEqual([]);
  }, 60_000);

  test("newnode node1 node2 node3: kubectl get nodes shows three Ready nodes", async () => {
    const out = await until("3 Ready", async () => {
      const r = await kubectl(["get", "nodes"]);
      return nodeNames.every((n) => new RegExp(`${n}\\s+Ready\\s`).test(r.stdout)) ? r.stdout : undefined;
    });
    expect(out).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  }, 60_000);

  test("Binding: the pod stays Pending, kubectl create -f bind.yaml runs it, it answers hello", async () => {
    expect((await kubectl(["create", "--filename", kubectl.file("pod.yaml", podYaml)])).stdout).toBe(
      "pod/hello created\n",
    );
    const pending = await kubectl(["get", "pods"]);
    expect(pending.stdout).toMatch(/hello\s+0\/1\s+Pending\s+0/);
    const bind = await kubectl([
      "create",
      "--filename",
      kubectl.file("bind.yaml", bindYaml(nodeNames[0] as string)),
    ]);
    // Upstream answers a Binding with a Status, so the real kubectl prints this (wire spec §8).
    expect(bind.stdout).toBe("status/<unknown> created\n");
    await until("hello Running", async () => {
      const r = await kubectl(["get", "pods", "-o", "wide"]);
      if (process.env.KT_DEBUG) console.error(r.stdout, r.stderr);
      return (await runningCount("!app")) >= 1 ? true : undefined;
    });
    const ip = (await kubectl(["get", "pod", "hello", "-o", "jsonpath={ .status.podIP }"])).stdout;
    expect(await recvOnly(ip)).toBe("hello\n");
    expect((await kubectl(["delete", "pod", "hello"])).code).toBe(0);
  }, 60_000);

  test("the scheduler binds the same pod", async () => {
    scheduler = spawnKube([kubeBinary, "scheduler", "--master", url]);
    await scheduler.waitFor(/schedul/i);
    await kubectl(["create", "--filename", kubectl.file("pod.yaml", podYaml)]);
    const out = await until("hello Running", async () => {
      const r = await kubectl(["get", "pods", "hello"]);
      return /hello\s+1\/1\s+Running\s+0/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    const ip = (await kubectl(["get", "pod", "hello", "-o", "jsonpath={ .status.podIP }"])).stdout;
    expect(await recvOnly(ip)).toBe("hello\n");
    await kubectl(["delete", "pod", "hello"]);
  }, 60_000);

  test("replicas: a ReplicaSet of 3 spreads over the three nodes, all answer hello; scale to 4", async () => {
    controllers = spawnKube([
      kubeBinary,
      "controller-manager",
      "--master",
      url,
      // The apiserver's CA (it made one in its data dir): kube-root-ca.crt for pods' tokens.
      "--root-ca-file",
      join(dir, "db", "tls", "ca.crt"),
      "--node-monitor-grace-period",
      "4s",
    ]);
    await controllers.waitFor(/started \d+ controllers/);
    const rs = kubectl.file("rs.yaml", rsYaml);
    expect((await kubectl(["create", "--filename", rs])).stdout).toBe("replicaset.apps/hello created\n");
    await until("3 Running", async () => ((await runningCount("app=hello")) === 3 ? true : undefined));
    const rsOut = await until("rs ready 3", async () => {
      const r = await kubectl(["get", "rs"]);
      return /hello\s+3\s+3\s+3\s/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(rsOut).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE/);
    const columns = await kubectl([
      "get",
      "pods",
      "-o",
      "custom-columns=Name:.metadata.name,Node:.spec.nodeName",
    ]);
    const nodes = columns.stdout
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[1]);
    expect(new Set(nodes)).toEqual(new Set(nodeNames));
    for (const ip of await podIPs("app=hello")) expect(await recvOnly(ip)).toBe("hello\n");
    expect((await kubectl(["scale", "--replicas=4", "--filename", rs])).stdout).toBe(
      "replicaset.apps/hello scaled\n",
    );
    await until("rs 4", async () => {
      const r = await kubectl(["get", "rs"]);
      return /hello\s+4\s+4\s+4\s/.test(r.stdout) ? true : undefined;
    });
    expect((await kubectl(["delete", "--filename", rs])).code).toBe(0);
    await until("rs pods gone", async () => ((await podIPs("app=hello")).length === 0 ? true : undefined));
  }, 60_000);

  test("rolling update: set image, rollout status succeeds, old RS at 0, pods answer hello world; undo", async () => {
    expect(
      (await kubectl(["create", "--filename", kubectl.file("deployment.yaml", deploymentYaml)])).stdout,
    ).toBe("deployment.apps/hello created\n");
    await until("3 available", async () => {
      const r = await kubectl(["get", "deployment", "hello"]);
      return /hello\s+3\/3\s+3\s+3\s/.test(r.stdout) ? true : undefined;
    });
    for (const ip of await podIPs("app=hello")) expect(await recvOnly(ip)).toBe("hello\n");
    expect((await kubectl(["set", "image", "deployment/hello", "hello=hello-world"])).stdout).toBe(
      "deployment.apps/hello image updated\n",
    );
    const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=60s"], {
      timeoutMs: 70_000,
    });
    expect(status.stdout).toContain('deployment "hello" successfully rolled out');
    expect(status.code).toBe(0);
    const rs = await kubectl(["get", "rs", "--no-headers"]);
    const lines = rs.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => /^hello-\S+\s+3\s+3\s+3\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^hello-\S+\s+0\s+0\s+0\s/.test(l))).toBe(true);
    await until("only new pods", async () => ((await podIPs("app=hello")).length === 3 ? true : undefined));
    for (const ip of await podIPs("app=hello")) expect(await recvOnly(ip)).toBe("hello world\n");
    expect((await kubectl(["rollout", "undo", "deployment/hello"])).code).toBe(0);
    await kubectl(["rollout", "status", "deployment/hello", "--timeout=60s"], { timeoutMs: 70_000 });
    await until("back to hello", async () => {
      const ips = await podIPs("app=hello");
      if (ips.length !== 3) return undefined;
      for (const ip of ips) if ((await recvOnly(ip)) !== "hello\n") return undefined;
      return true;
    });
  }, 60_000);

  test("node failure: a stopped kubelet's node goes NotReady and its pods are recreated elsewhere", async () => {
    const victim = nodeNames[2] as string;
    const before = await kubectl([
      "get",
      "pods",
      "-l",
      "app=hello",
      "-o",
      "custom-columns=N:.spec.nodeName",
      "--no-headers",
    ]);
    kubelets[2]?.kill("SIGTERM");
    await kubelets[2]?.exited;
    await until(
      "NotReady",
      async () => {
        const r = await kubectl(["get", "node", victim]);
        return /NotReady/.test(r.stdout) ? true : undefined;
      },
      60_000,
    );
    await until(
      "3 Running elsewhere",
      async () => {
        const r = await kubectl([
          "get",
          "pods",
          "-l",
          "app=hello",
          "-o",
          "custom-columns=N:.spec.nodeName,S:.status.phase",
          "--no-headers",
        ]);
        const rows = r.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split(/\s+/));
        const healthy = rows.filter(([n, s]) => n !== victim && s === "Running");
        return healthy.length === 3 ? true : undefined;
      },
      60_000,
    );
    void before;
    // Bring the node back so teardown can remove its pods through its own kubelet.
    kubelets[2] = await startKubeletProcess({
      nodeName: victim,
      rootDir: join(dir, victim),
      args: kubeletArgs(url),
    });
  }, 90_000);

  test("cascading delete: deleting the Deployment removes its ReplicaSets and pods", async () => {
    expect((await kubectl(["delete", "deployment", "hello"])).code).toBe(0);
    await until("all gone", async () => {
      const rs = await kubectl(["get", "rs", "--no-headers"]);
      const pods = await podIPs("app=hello");
      return rs.stdout.trim() === "" && pods.length === 0 ? true : undefined;
    });
  }, 60_000);

  test("a Job runs to completion; a DaemonSet puts a pod on every node", async () => {
    const job = await kubectl(["create", "job", "once", "--image=busybox", "--", "sh", "-c", "echo done"]);
    expect(job.code).toBe(0);
    await until("job complete", async () => {
      const r = await kubectl(["get", "job", "once", "-o", "jsonpath={.status.succeeded}"]);
      return r.stdout === "1" ? true : undefined;
    });
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: pause}]
`;
    expect((await kubectl(["create", "-f", kubectl.file("ds.yaml", ds)])).code).toBe(0);
    await until("3 agents", async () => {
      const r = await kubectl([
        "get",
        "pods",
        "-l",
        "app=agent",
        "-o",
        "custom-columns=N:.spec.nodeName,S:.status.phase",
        "--no-headers",
      ]);
      const rows = r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/));
      return new Set(rows.filter(([, s]) => s === "Running").map(([n]) => n)).size === 3 ? true : undefined;
    });
    await kubectl(["delete", "ds", "agent"]);
    await kubectl(["delete", "job", "once"]);
  }, 60_000);

  test("namespace delete removes everything in it, then the namespace", async () => {
    await kubectl(["create", "namespace", "scratch"]);
    await kubectl(["-n", "scratch", "run", "p", "--image=pause"]);
    await kubectl(["-n", "scratch", "create", "configmap", "c", "--from-literal=a=b"]);
    await until("p Running", async () => {
      const r = await kubectl(["-n", "scratch", "get", "pod", "p", "-o", "jsonpath={.status.phase}"]);
      return r.stdout === "Running" ? true : undefined;
    });
    const del = await kubectl(["delete", "namespace", "scratch"], { timeoutMs: 60_000 });
    expect(del.stdout).toBe('namespace "scratch" deleted\n');
    const get = await kubectl(["get", "namespace", "scratch"]);
    expect(get.stderr).toContain('namespaces "scratch" not found');
  }, 60_000);
});
