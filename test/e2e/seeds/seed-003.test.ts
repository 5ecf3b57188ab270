// Seed 003 (a French Kubernetes walkthrough) replayed against one `kube server`: the standalone
// kubelet's nginx + busybox log-truncator sharing an emptyDir, etcdctl on the store, the API
// with curl (fetch here), kubectl create, then the scheduler. `nginx` and `busybox` are kube's
// embedded images (an HTTP server with an access log; the host's shell), not Docker Hub's.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { seed003NginxYaml as nginxYaml } from "../../harness/seed-manifests.ts";
import { seedUntil } from "./seed-until.ts";

const root = process.getuid?.() === 0;

/** The seed's nginx.json with `$$ma_machine$$` replaced by the node's name. */
const nginxJson = (nodeName: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "nginx" },
  spec: {
    nodeName,
    containers: [
      {
        name: "nginx",
        image: "nginx",
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ mountPath: "/var/log/nginx", name: "nginx-logs" }],
      },
      {
        name: "log-truncator",
        image: "busybox",
        command: ["/bin/sh"],
        args: ["-c", "while true; do cat /dev/null > /logdir/access.log; sleep 10; done"],
        volumeMounts: [{ mountPath: "/logdir", name: "nginx-logs" }],
      },
    ],
    volumes: [{ name: "nginx-logs", emptyDir: {} }],
  },
});

describe.skipIf(!root)("seed 003: kubelet, apiserver, kubectl, scheduler on kube server", () => {
  let server: KubeServer;
  const until = seedUntil(() => server);
  let node = "";
  const kubectl = (args: string[]) => server.kubectl(args);
  const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

  /** Waits for pod `name` to be Running with both containers ready; returns its IP. */
  const runningIP = (name: string) =>
    until(`${name} 2/2 Running`, async () => {
      const r = await kubectl(["get", "pod", name, "-o", "wide", "--no-headers"]);
      const m = r.stdout.match(/^\S+\s+2\/2\s+Running\s+0\s+\S+\s+(\d+\.\d+\.\d+\.\d+)\s/);
      return m?.[1];
    });
  const gone = (name: string) =>
    until(`${name} gone`, async () => {
      const r = await kubectl(["get", "pod", name]);
      return r.code !== 0 && r.stderr.includes("not found") ? true : undefined;
    });

  beforeAll(async () => {
    server = await startKubeServer({ nodes: 1 });
    node = server.nodeNames[0] as string;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  test("standalone: nginx.yml in the manifests dir runs both containers, sharing the emptyDir", async () => {
    writeFileSync(join(server.podManifests, "nginx.yml"), nginxYaml());
    // `docker ps` in the seed; the mirror pod kube's kubelet posts shows the same two containers.
    const mirror = `nginx-${node}`;
    const ip = await runningIP(mirror);
    const containers = await kubectl(["get", "pod", mirror, "-o", "jsonpath={.spec.containers[*].name}"]);
    expect(containers.stdout).toBe("nginx log-truncator");
    const page = await until("nginx to answer", async () => {
      const r = await fetch(`http://${ip}/`);
      return r.ok ? r.text() : undefined;
    });
    expect(page.length).toBeGreaterThan(0);
    // The log-truncator sees nginx's access log in the shared volume (the loop empties it every
    // 10 s, so request, then read, until a read lands before a truncation).
    await until("the request in /logdir/access.log", async () => {
      await fetch(`http://${ip}/kt-seed-003`);
      const r = await kubectl(["exec", mirror, "-c", "log-truncator", "--", "cat", "/logdir/access.log"]);
      return r.stdout.includes("/kt-seed-003") ? true : undefined;
    });
    rmSync(join(server.podManifests, "nginx.yml"));
    await gone(mirror);
  }, 30_000);

  test("etcdctl get --prefix '' --keys-only lists the cluster's keys in the store", async () => {
    const endpoint = server.stderr().match(/etcd v3 API on http:\/\/(\S+?)[,;\s]/)?.[1];
    expect(endpoint).toBeDefined();
    const etcdctl = Bun.which("etcdctl");
    if (!etcdctl) return; // the store's etcd API is tested in test/e2e/etcdctl.test.ts
    const proc = Bun.spawn([etcdctl, `--endpoints=${endpoint}`, "get", "--prefix", "", "--keys-only"], {
      env: { ...process.env, ETCDCTL_API: "3" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(out).toContain(`/registry/minions/${node}`);
    expect(out).toContain("/registry/namespaces/default");
  }, 20_000);

  test("the API with curl: nodes, POST nginx.json with nodeName, GET its status, DELETE it", async () => {
    // curl http://localhost:8080/api/v1/nodes (kube server's kubelet has already registered).
    const nodes = (await (await api("/api/v1/nodes")).json()) as {
      kind: string;
      items: { metadata: { name: string } }[];
    };
    expect(nodes.kind).toBe("NodeList");
    expect(nodes.items.map((n) => n.metadata.name)).toEqual([node]);

    const created = await api("/api/v1/namespaces/default/pods", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(nginxJson(node)),
    });
    expect(created.status).toBe(201);
    const status = await until("nginx Running through the API", async () => {
      const pod = (await (await api("/api/v1/namespaces/default/pods/nginx")).json()) as Pod;
      return pod.status?.phase === "Running" && pod.status.podIP ? pod : undefined;
    });
    expect(status.spec?.nodeName).toBe(node);
    expect(status.status?.containerStatuses?.map((c) => c.name).sort()).toEqual(["log-truncator", "nginx"]);

    const deleted = await api("/api/v1/namespaces/default/pods/nginx", { method: "DELETE" });
    expect(deleted.status).toBe(200);
    await gone("nginx");
  }, 30_000);

  test("kubectl get nodes; kubectl create -f nginx.yml with nodeName", async () => {
    const nodes = await kubectl(["get", "nodes"]);
    expect(nodes.stdout).toMatch(
      new RegExp(`^NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION\\n${node}\\s+Ready\\s`),
    );
    const file = server.kubectl.file("nginx.yml", nginxYaml(node));
    expect((await kubectl(["create", "-f", file])).stdout).toBe("pod/nginx created\n");
    await runningIP("nginx");
    expect((await kubectl(["delete", "-f", file])).stdout).toBe('pod "nginx" deleted\n');
    await gone("nginx");
  }, 30_000);

  test("scheduler: kubectl create -f nginx.yml without nodeName, the scheduler places it", async () => {
    const file = server.kubectl.file("nginx.yml", nginxYaml());
    expect((await kubectl(["create", "-f", file])).stdout).toBe("pod/nginx created\n");
    const ip = await runningIP("nginx");
    expect((await kubectl(["get", "pod", "nginx", "-o", "jsonpath={.spec.nodeName}"])).stdout).toBe(node);
    expect((await fetch(`http://${ip}/`)).status).toBe(200);
    const events = await kubectl(["get", "events", "--field-selector", "involvedObject.name=nginx"]);
    expect(events.stdout).toMatch(
      new RegExp(`Scheduled\\s+pod/nginx\\s+Successfully assigned default/nginx to ${node}`),
    );
  }, 30_000);
});
