// Seed 002 (a teardown of the hyperkube docker guide) replayed: etcd first, then the kubelet
// with the seed's own flags (`--containerized --hostname-override --address --api-servers
// --config`) whose manifest dir holds hyperkube's master.json: controller manager, apiserver
// and scheduler as one static pod of gcr.io/google_containers/hyperkube:v1.0.1, each container
// `/hyperkube <component>` with the seed's flags (`--portal-net`, `--address`, `--cluster-name`,
// `--v=2`). Adapted only in ports (8080 and 4001 are picked free), paths and the node's name.
// Then a deployment and a rolling update on that control plane, and Ctrl-C leaves nothing.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";
import { prepareStaticPodMaster, type StaticPodMaster, writeManifest } from "./static-pod-master.ts";

const runnable = process.getuid?.() === 0 && kubectlBinary() !== null;
const HYPERKUBE = "gcr.io/google_containers/hyperkube:v1.0.1";

/** cluster/images/hyperkube/master.json of release 1.0, with ports and paths adapted. */
function masterJson(m: StaticPodMaster) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "k8s-master" },
    spec: {
      hostNetwork: true,
      containers: [
        {
          name: "controller-manager",
          image: HYPERKUBE,
          command: ["/hyperkube", "controller-manager", `--master=127.0.0.1:${m.apiPort}`, "--v=2"],
        },
        {
          name: "apiserver",
          image: HYPERKUBE,
          command: [
            "/hyperkube",
            "apiserver",
            "--portal-net=10.0.0.1/24",
            "--address=127.0.0.1",
            `--etcd-servers=http://127.0.0.1:${m.etcdPort}`,
            "--cluster-name=kubernetes",
            "--v=2",
            // Adapted: the port (1.0's default 8080) and where its certificates go.
            `--port=${m.apiPort}`,
            `--cert-dir=${join(m.dir, "apiserver-tls")}`,
          ],
        },
        {
          name: "scheduler",
          image: HYPERKUBE,
          command: ["/hyperkube", "scheduler", `--master=127.0.0.1:${m.apiPort}`, "--v=2"],
        },
      ],
    },
  };
}

describe.skipIf(!runnable)("seed 002: hyperkube's master.json as static pods on a joined kubelet", () => {
  let master: StaticPodMaster;
  let kubectl: Kubectl;
  const wait = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000) =>
    until(what, fn, { timeoutMs, intervalMs: 250 });

  beforeAll(async () => {
    master = await prepareStaticPodMaster("seed002", { etcd: true });
    kubectl = kubectlFor(`http://127.0.0.1:${master.apiPort}`);
  }, 120_000);

  afterAll(async () => {
    kubectl?.cleanup();
    await master?.stop();
  }, 60_000);

  test("the kubelet starts the master pod before its apiserver answers, then registers", async () => {
    writeManifest(master, "master.json", masterJson(master));
    const kubelet = master.startKubelet([
      "--containerized",
      "--address=0.0.0.0",
      `--api-servers=http://localhost:${master.apiPort}`,
      `--config=${master.manifests}`,
    ]);
    await kubelet.waitFor(/Flag --containerized has been deprecated/);
    for (const c of ["controller-manager", "apiserver", "scheduler"])
      await kubelet.waitFor(new RegExp(`Started container ${c}\\b`), 30_000);
    await kubelet.waitFor(/kubelet ready \(joined to http:\/\/localhost:/, 60_000);
    const mirror = `k8s-master-${master.nodeName}`;
    const ready = await wait("the master's mirror pod 3/3 Running", async () => {
      const r = await kubectl(["get", "pod", mirror, "--no-headers"]);
      return /\s3\/3\s+Running\s/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(ready).toContain(mirror);
    const images = await kubectl(["get", "pod", mirror, "-o", "jsonpath={.spec.containers[*].image}"]);
    expect(images.stdout).toBe(`${HYPERKUBE} ${HYPERKUBE} ${HYPERKUBE}`);
    const nodes = await kubectl(["get", "nodes", "--no-headers"]);
    expect(nodes.stdout).toMatch(new RegExp(`^${master.nodeName}\\s+Ready\\s`));
    // --portal-net became the Service range: the kubernetes Service has its first address.
    const svc = await kubectl(["get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}"]);
    expect(svc.stdout).toBe("10.0.0.1");
    // nsenter-style poking inside the hyperkube container: its commands are kube's.
    const version = await kubectl(["exec", mirror, "-c", "apiserver", "--", "/hyperkube", "version"]);
    expect(version.stdout).toMatch(/^kube v\S+\nKubernetes v1\./);
  }, 180_000);

  test("a deployment runs on that control plane, and a rolling update replaces its pods", async () => {
    expect((await kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=2"])).code).toBe(0);
    await wait("web 2/2 available", async () => {
      const r = await kubectl(["get", "deployment", "web", "-o", "jsonpath={.status.availableReplicas}"]);
      return r.stdout === "2" ? true : undefined;
    });
    const before = (
      await kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"])
    ).stdout;
    expect((await kubectl(["set", "image", "deployment/web", "nginx=nginx:1.25"])).code).toBe(0);
    const rollout = await kubectl(["rollout", "status", "deployment/web", "--timeout=90s"], {
      timeoutMs: 100_000,
    });
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const after = await wait("only new pods left", async () => {
      const r = await kubectl([
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name} {.spec.containers[0].image} {.status.phase}{"\\n"}{end}',
      ]);
      const lines = r.stdout.trim().split("\n").filter(Boolean);
      return lines.length === 2 && lines.every((l) => l.endsWith("nginx:1.25 Running")) ? lines : undefined;
    });
    for (const line of after) expect(before).not.toContain(line.split(" ")[0] as string);
    expect(
      (await kubectl(["get", "rs", "-l", "app=web", "--no-headers"])).stdout.trim().split("\n"),
    ).toHaveLength(2);
    expect((await kubectl(["delete", "deployment", "web"])).code).toBe(0);
  }, 180_000);

  test("Ctrl-C on the kubelet stops the master and the pods and leaves nothing behind", async () => {
    const { exitCode, leftovers } = await master.stop();
    expect(leftovers).toEqual([]);
    expect(exitCode).toBe(0);
  }, 60_000);
});
