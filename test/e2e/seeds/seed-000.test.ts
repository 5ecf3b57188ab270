// Seed 000 ("Rootless Kubernetes") replayed command by command with the real kubectl against
// one `kube server` of three nodes: standalone kubelet (static pod), binding, scheduler,
// replicas, rolling update. The seed's images are scripts; here `hello`/`hello-world` are kube's
// embedded images that answer the same lines. `ncat --recv-only` is recvOnly().

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { leftovers } from "../../harness/kubelet.ts";
import { startBackgroundKubectl } from "./kubectl-background.ts";
import { recvOnly } from "./recv-only.ts";
import { seedUntil } from "./seed-until.ts";

const root = process.getuid?.() === 0;

// manifests/pod.yaml, bind.yaml, rs.yaml and deployment.yaml of the seed (apps/v1 instead of
// the 2017 extensions/v1beta1, which needs a selector).
const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: hello
    image: hello
`;
const bindYaml = (node: string) => `apiVersion: v1
kind: Binding
metadata:
  name: hello
target:
  apiVersion: v1
  kind: Node
  name: ${node}
`;
const workload = (kind: string) => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: hello
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: hello
`;

describe.skipIf(!root)("seed 000: rootless Kubernetes walkthrough on kube server", () => {
  let server: KubeServer;
  const until = seedUntil(() => server);
  const kubectl = (args: string[], options?: { timeoutMs?: number }) => server.kubectl(args, options);
  const lines = (text: string) => text.split("\n").filter(Boolean);
  const podIPs = async (): Promise<string[]> => {
    const r = await kubectl([
      "get",
      "pods",
      "-lapp=hello",
      "-o",
      'jsonpath={range .items[*] }{ .status.podIP }{"\\n"}{ end }',
    ]);
    return lines(r.stdout).map((l) => l.trim());
  };
  /** "hello" pods (by label) that are 1/1 Running and not terminating. */
  const running = async (): Promise<number> => {
    const r = await kubectl(["get", "pods", "-lapp=hello", "--no-headers"]);
    return lines(r.stdout).filter((l) => /\s1\/1\s+Running\s/.test(l)).length;
  };

  beforeAll(async () => {
    // The seed's first master runs no scheduler (`./bin/start-single-master`): pods stay Pending
    // until bound by hand. The controller manager runs (it hands the nodes their pod CIDRs).
    server = await startKubeServer({ nodes: 3, args: ["--disable", "scheduler"] });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  test("standalone kubelet: a manifest in the static pod dir runs hello-<node>; it answers hello", async () => {
    const node = server.nodeNames[0] as string;
    // cp manifests/pod.yaml nodes/node1/kubelet/manifests
    writeFileSync(join(server.podManifests, "pod.yaml"), podYaml);
    const mirror = `hello-${node}`;
    const ip = await until(`${mirror} Running with an IP`, async () => {
      const r = await kubectl(["get", "pod", mirror, "-o", "jsonpath={.status.phase} {.status.podIP}"]);
      const [phase, podIP] = r.stdout.split(" ");
      return phase === "Running" && podIP ? podIP : undefined;
    });
    // ip netns add ${hostname}: the pod's own network namespace, named after node and pod.
    expect(leftovers(node).some((netns) => netns.startsWith(`kube-${node}-default-${mirror}-`))).toBe(true);
    // ncat --recv-only $(./bin/showip hello-node1) 80
    expect(await recvOnly(ip)).toBe("hello\n");
    rmSync(join(server.podManifests, "pod.yaml"));
    await until(`${mirror} gone`, async () => {
      const r = await kubectl(["get", "pod", mirror]);
      return r.code !== 0 && r.stderr.includes("not found") ? true : undefined;
    });
  }, 30_000);

  test("binding: kubectl get nodes, the pod stays Pending, a Binding runs it, it answers hello", async () => {
    const nodes = await kubectl(["get", "nodes"]);
    expect(lines(nodes.stdout)[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    for (const name of server.nodeNames)
      expect(nodes.stdout).toMatch(new RegExp(`^${name}\\s+Ready\\s`, "m"));

    const pod = server.kubectl.file("pod.yaml", podYaml);
    expect((await kubectl(["create", "--filename", pod])).stdout).toBe("pod/hello created\n");
    const pending = await kubectl(["get", "pods"]);
    expect(lines(pending.stdout)[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(pending.stdout).toMatch(/^hello\s+0\/1\s+Pending\s+0\s/m);

    const bind = server.kubectl.file("bind.yaml", bindYaml(server.nodeNames[0] as string));
    // The seed's kubectl printed `binding "hello" created`; a v1.32 kubectl prints the Status
    // the API answers a Binding with, as against any real cluster.
    const watch = await startBackgroundKubectl(
      server.kubectl,
      ["get", "pods", "--watch"],
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nhello\s+0\/1\s+Pending\s+0\s/m,
    );
    try {
      const bound = await kubectl(["create", "--filename", bind]);
      expect(bound.code).toBe(0);
      expect(bound.stdout).toBe("status/<unknown> created\n");
      // kubectl get pods --watch: ContainerCreating (when the watch catches it), then Running.
      await watch.waitFor(/^hello\s+1\/1\s+Running\s+0\s/m, 25_000);
      for (const line of lines(watch.output()).slice(1))
        expect(line).toMatch(/^hello\s+[01]\/1\s+(Pending|ContainerCreating|Running)\s+0\s/);
    } finally {
      await watch.stop();
    }
    const ip = (await kubectl(["get", "pod", "hello", "-o", "jsonpath={ .status.podIP }"])).stdout;
    expect(await recvOnly(ip)).toBe("hello\n");
  }, 30_000);

  test("the scheduler binds it: restart the master with the scheduler, the pod runs by itself", async () => {
    // ./bin/start-single-master scheduler controller-manager: the same data dir, everything on.
    // kube server resumes: the nodes and the bound pod are still there, and the pod runs again.
    await server.restart({ args: [] });
    const nodes = await kubectl(["get", "nodes", "--no-headers"]);
    expect(lines(nodes.stdout)).toHaveLength(3);
    const again = await until("the bound hello Running again", async () => {
      const r = await kubectl(["get", "pod", "hello", "-o", "jsonpath={.status.phase} {.status.podIP}"]);
      const [phase, podIP] = r.stdout.split(" ");
      return phase === "Running" && podIP ? podIP : undefined;
    });
    expect(await recvOnly(again)).toBe("hello\n");
    expect((await kubectl(["delete", "pod", "hello"])).code).toBe(0);
    await until("hello deleted", async () => {
      const r = await kubectl(["get", "pod", "hello"]);
      return r.stderr.includes("not found") ? true : undefined;
    });
    const pod = server.kubectl.file("pod.yaml", podYaml);
    expect((await kubectl(["create", "--filename", pod])).stdout).toBe("pod/hello created\n");
    await until("hello 1/1 Running", async () => {
      const r = await kubectl(["get", "pods"]);
      return /^hello\s+1\/1\s+Running\s+0\s/m.test(r.stdout) ? true : undefined;
    });
    const ip = (await kubectl(["get", "pod", "hello", "-o", "jsonpath={ .status.podIP }"])).stdout;
    expect(await recvOnly(ip)).toBe("hello\n");
    expect((await kubectl(["delete", "pod", "hello"])).code).toBe(0);
    // A stop and a start of the whole cluster (the harness allows 30 s and 45 s for them), then
    // two pods: 12 s on a quiet machine, over 30 at a load of 30 (bun then killed the server).
  }, 90_000);

  test("replicas: a ReplicaSet of 3, one pod per node, all answer hello; scale to 4", async () => {
    const rs = server.kubectl.file("rs.yaml", workload("ReplicaSet"));
    expect((await kubectl(["create", "--filename", rs])).stdout).toBe("replicaset.apps/hello created\n");
    const get = await until("rs hello 3 3 3", async () => {
      const r = await kubectl(["get", "rs"]);
      return /^hello\s+3\s+3\s+3\s/m.test(r.stdout) ? r.stdout : undefined;
    });
    expect(lines(get)[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const pods = await kubectl(["get", "pods"]);
    expect(lines(pods.stdout).filter((l) => /^hello-\S+\s+1\/1\s+Running\s+0\s/.test(l))).toHaveLength(3);

    const columns = await kubectl([
      "get",
      "pods",
      "-o",
      "custom-columns=Name:.metadata.name,Node:.spec.nodeName",
    ]);
    const [header, ...rows] = lines(columns.stdout);
    expect(header).toMatch(/^Name\s+Node$/);
    expect(new Set(rows.map((r) => r.split(/\s+/)[1]))).toEqual(new Set(server.nodeNames));

    const ips = await podIPs();
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(await recvOnly(ip)).toBe("hello\n");

    expect((await kubectl(["scale", "--replicas=4", "--filename", rs])).stdout).toBe(
      "replicaset.apps/hello scaled\n",
    );
    await until("rs hello 4 4 4", async () => {
      const r = await kubectl(["get", "rs"]);
      return /^hello\s+4\s+4\s+4\s/m.test(r.stdout) ? true : undefined;
    });
    expect((await kubectl(["delete", "--filename", rs])).code).toBe(0);
    await until("the ReplicaSet's pods gone", async () => ((await podIPs()).length === 0 ? true : undefined));
  }, 30_000);

  test("deployment: create, 3 available, all answer hello", async () => {
    const deployment = server.kubectl.file("deployment.yaml", workload("Deployment"));
    expect((await kubectl(["create", "--filename", deployment])).stdout).toBe(
      "deployment.apps/hello created\n",
    );
    const get = await until("deployment hello 3/3", async () => {
      const r = await kubectl(["get", "deployment"]);
      return /^hello\s+3\/3\s+3\s+3\s/m.test(r.stdout) ? r.stdout : undefined;
    });
    // v1.32's columns (the seed's v1.6 kubectl showed DESIRED CURRENT UP-TO-DATE AVAILABLE).
    expect(lines(get)[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    const rs = await kubectl(["get", "rs"]);
    expect(rs.stdout).toMatch(/^hello-[a-z0-9]+\s+3\s+3\s+3\s/m);
    await until("3 Running", async () => ((await running()) === 3 ? true : undefined));
    const ips = await podIPs();
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(await recvOnly(ip)).toBe("hello\n");
  }, 30_000);

  test("rolling update: set image hello-world, rollout status, old RS at 0, all answer hello world", async () => {
    expect((await kubectl(["set", "image", "deployment/hello", "hello=hello-world"])).stdout).toBe(
      "deployment.apps/hello image updated\n",
    );
    const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=25s"], {
      timeoutMs: 28_000,
    });
    expect(status.code).toBe(0);
    const out = lines(status.stdout);
    expect(out.at(-1)).toBe('deployment "hello" successfully rolled out');
    for (const line of out.slice(0, -1))
      expect(line).toMatch(
        /^Waiting for (deployment "hello" )?rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 3 updated replicas are available)\.\.\.$/,
      );
    const rs = lines((await kubectl(["get", "rs", "--no-headers"])).stdout);
    expect(rs).toHaveLength(2);
    expect(rs.filter((l) => /^hello-[a-z0-9]+\s+3\s+3\s+3\s/.test(l))).toHaveLength(1);
    expect(rs.filter((l) => /^hello-[a-z0-9]+\s+0\s+0\s+0\s/.test(l))).toHaveLength(1);
    const ips = await until("only the 3 new pods", async () => {
      const now = await podIPs();
      return now.length === 3 ? now : undefined;
    });
    for (const ip of ips) expect(await recvOnly(ip)).toBe("hello world\n");
  }, 30_000);
});
