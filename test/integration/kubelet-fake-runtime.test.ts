// The kubelet core against a real apiserver with the fake runtime: node registration and
// lease, pods bound to the node running with status as upstream writes it, ErrImagePull,
// crash-loop restarts, graceful deletion finished by the kubelet, static pods and mirror pods.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { createImageResolver } from "../../components/kubelet/images/image-resolver.ts";
import { type Kubelet, startKubelet } from "../../components/kubelet/kubelet.ts";
import { createFakeRuntime, type FakeRuntime } from "../../components/kubelet/runtime/fake/fake-runtime.ts";
import { ApiClient, isStatus } from "../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { until as waitUntil } from "../harness/until.ts";

let api: TestApiserver;
let client: ApiClient;
let kubelet: Kubelet;
let runtime: FakeRuntime;
let dir: string;
const node = "kt-fake-node";

const until = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 25 });

const getPod = (name: string) => client.get<Pod>(`/api/v1/namespaces/default/pods/${name}`);

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  dir = mkdtempSync(join(tmpdir(), "kt-kubelet-"));
  runtime = createFakeRuntime({ podCIDR: "10.250.0.0/24", nodeIP: "127.0.0.1" });
  kubelet = await startKubelet({
    nodeName: node,
    rootDir: join(dir, "root"),
    runtime,
    images: createImageResolver({ kubeExecutable: ["kube"] }),
    client,
    manifestPath: join(dir, "manifests"),
    fileCheckFrequencyMs: 200,
    kubeletPort: 12345,
    crashLoopBackoffMs: 100,
    dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
    log: process.env.KT_DEBUG ? (line) => console.error(line) : () => {},
  });
  await kubelet.ready;
});

afterAll(async () => {
  await kubelet?.stopAllPods();
  await kubelet?.stop();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("kubelet with the fake runtime", () => {
  test("registers a Ready node with capacity, addresses and a lease", async () => {
    const n = await client.get<Node>(`/api/v1/nodes/${node}`);
    expect(n.metadata?.labels?.["kubernetes.io/hostname"]).toBe(node);
    expect(n.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(n.status?.addresses).toContainEqual({ type: "InternalIP", address: "127.0.0.1" });
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(12345);
    expect(Number(n.status?.capacity?.cpu)).toBeGreaterThan(0);
    expect(n.spec?.podCIDR).toBe("10.250.0.0/24");
    const lease = await until("lease", () =>
      client.get<{ spec: { holderIdentity: string } }>(
        `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`,
      ),
    );
    expect(lease.spec.holderIdentity).toBe(node);
  });

  test("a pod bound to the node runs, with status as upstream writes it", async () => {
    await client.create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web" },
      spec: { nodeName: node, containers: [{ name: "web", image: "hello" }] },
    });
    const pod = await until("web running", async () => {
      const p = await getPod("web");
      return p.status?.phase === "Running" ? p : undefined;
    });
    expect(pod.status?.podIP).toMatch(/^10\.250\.0\./);
    expect(pod.status?.hostIP).toBe("127.0.0.1");
    expect(pod.status?.qosClass).toBe("BestEffort");
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready?.status).toBe("True");
    const cs = pod.status?.containerStatuses?.[0];
    expect(cs?.ready).toBe(true);
    expect(cs?.state?.running?.startedAt).toBeDefined();
    expect(cs?.imageID).toBe("kube://embedded/hello");
  });

  test("an unknown image waits in ErrImagePull naming the image", async () => {
    await client.create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "nope" },
      spec: { nodeName: node, containers: [{ name: "c", image: "no-such-image" }] },
    });
    const waiting = await until("ErrImagePull", async () => {
      const w = (await getPod("nope")).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === "ErrImagePull" || w?.reason === "ImagePullBackOff" ? w : undefined;
    });
    expect(waiting.message).toContain('"no-such-image"');
    expect((await getPod("nope")).status?.phase).toBe("Pending");
  });

  test("a crashing container restarts with a growing restartCount", async () => {
    await client.create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "crash" },
      spec: { nodeName: node, containers: [{ name: "c", image: "pause" }] },
    });
    const pod = await until("crash running", async () => {
      const p = await getPod("crash");
      return p.status?.phase === "Running" ? p : undefined;
    });
    const id = pod.status?.containerStatuses?.[0]?.containerID?.replace("kube://", "") ?? "";
    runtime.exit(id, 3);
    const restarted = await until("restart", async () => {
      const cs = (await getPod("crash")).status?.containerStatuses?.[0];
      return cs && (cs.restartCount ?? 0) >= 1 && cs.state?.running ? cs : undefined;
    });
    expect(restarted.lastState?.terminated?.exitCode).toBe(3);
    expect(restarted.lastState?.terminated?.reason).toBe("Error");
  });

  test("restartPolicy Never: a pod whose container exits 0 Succeeds", async () => {
    await client.create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "once" },
      spec: { nodeName: node, restartPolicy: "Never", containers: [{ name: "c", image: "pause" }] },
    });
    const pod = await until("once running", async () => {
      const p = await getPod("once");
      return p.status?.phase === "Running" ? p : undefined;
    });
    runtime.exit(pod.status?.containerStatuses?.[0]?.containerID?.replace("kube://", "") ?? "", 0);
    const done = await until("Succeeded", async () => {
      const p = await getPod("once");
      return p.status?.phase === "Succeeded" ? p : undefined;
    });
    expect(done.status?.containerStatuses?.[0]?.state?.terminated?.reason).toBe("Completed");
  });

  test("deleting a pod: the kubelet stops it and finishes the deletion", async () => {
    await client.delete("/api/v1/namespaces/default/pods/web");
    await until("web gone", async () => {
      try {
        await getPod("web");
        return undefined;
      } catch (error) {
        return isStatus(error, 404) ? true : undefined;
      }
    });
    const sandboxes = await runtime.listSandboxes();
    expect(sandboxes.some((s) => s.name === "web")).toBe(false);
  });

  test("a static pod runs from the manifest dir and shows as a mirror pod", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "manifests"), { recursive: true });
    const file = join(dir, "manifests", "static.yaml");
    writeFileSync(
      file,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: static\nspec:\n  containers:\n  - name: c\n    image: hello\n",
    );
    writeFileSync(join(dir, "manifests", "broken.yaml"), "kind: Deployment\n");
    const mirror = await until("mirror pod running", async () => {
      const p = await getPod(`static-${node}`);
      return p.status?.phase === "Running" ? p : undefined;
    });
    expect(mirror.metadata?.annotations?.["kubernetes.io/config.mirror"]).toBeDefined();
    expect(mirror.metadata?.annotations?.["kubernetes.io/config.source"]).toBe("file");
    expect(mirror.spec?.nodeName).toBe(node);
    await client.delete(`/api/v1/namespaces/default/pods/static-${node}`, { gracePeriodSeconds: 0 });
    await until("mirror pod recreated", async () => {
      const p = await getPod(`static-${node}`);
      return p.metadata?.uid !== mirror.metadata?.uid ? p : undefined;
    });
    unlinkSync(file);
    await until("mirror pod gone", async () => {
      try {
        await getPod(`static-${node}`);
        return undefined;
      } catch (error) {
        return isStatus(error, 404) ? true : undefined;
      }
    });
  });

  test("init containers run in order before the app containers (Init:0/1, then Running)", async () => {
    await client.create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "init" },
      spec: {
        nodeName: node,
        initContainers: [{ name: "setup", image: "pause" }],
        containers: [{ name: "app", image: "pause" }],
      },
    });
    const pending = await until("init running", async () => {
      const p = await getPod("init");
      return p.status?.initContainerStatuses?.[0]?.state?.running ? p : undefined;
    });
    expect(pending.status?.phase).toBe("Pending");
    expect(pending.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("PodInitializing");
    expect(pending.status?.conditions?.find((c) => c.type === "Initialized")?.status).toBe("False");
    runtime.exit(pending.status?.initContainerStatuses?.[0]?.containerID?.replace("kube://", "") ?? "", 0);
    const running = await until("app running", async () => {
      const p = await getPod("init");
      return p.status?.phase === "Running" ? p : undefined;
    });
    expect(running.status?.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe("Completed");
  });

  test("readiness and liveness probes (httpGet): not Ready while failing; a failing liveness probe restarts", async () => {
    let healthy = false;
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response("", { status: healthy ? 200 : 500 }),
    });
    try {
      const probe = { httpGet: { host: "127.0.0.1", port: server.port, path: "/healthz" }, periodSeconds: 1 };
      await client.create("/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "probed" },
        spec: {
          nodeName: node,
          containers: [
            { name: "ready", image: "pause", readinessProbe: { ...probe, failureThreshold: 1 } },
            { name: "live", image: "pause", livenessProbe: { ...probe, failureThreshold: 1 } },
          ],
        },
      });
      const restarted = await until("liveness restart", async () => {
        const p = await getPod("probed");
        const live = p.status?.containerStatuses?.find((c) => c.name === "live");
        return (live?.restartCount ?? 0) >= 1 ? p : undefined;
      });
      expect(restarted.status?.phase).toBe("Running");
      expect(restarted.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
      expect(restarted.status?.containerStatuses?.find((c) => c.name === "ready")?.ready).toBe(false);
      healthy = true;
      const ready = await until("Ready", async () => {
        const p = await getPod("probed");
        return p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? p : undefined;
      });
      expect(ready.status?.containerStatuses?.every((c) => c.ready)).toBe(true);
      const events = await client.list<{ items: { reason: string; message: string }[] }>(
        "/api/v1/namespaces/default/events",
        { fieldSelector: "involvedObject.name=probed" },
      );
      expect(
        events.items.some((e) => e.reason === "Unhealthy" && e.message.startsWith("Readiness probe failed")),
      ).toBe(true);
      expect(
        events.items.some((e) => e.reason === "Killing" && e.message.includes("failed liveness probe")),
      ).toBe(true);
    } finally {
      server.stop(true);
    }
  }, 20_000);

  test("a failing postStart hook kills the container (FailedPostStartHook)", async () => {
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response("", { status: 500 }),
    });
    try {
      await client.create("/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "hooked" },
        spec: {
          nodeName: node,
          restartPolicy: "Never",
          containers: [
            {
              name: "c",
              image: "pause",
              lifecycle: { postStart: { httpGet: { host: "127.0.0.1", port: server.port, path: "/" } } },
            },
          ],
        },
      });
      await until("FailedPostStartHook", async () => {
        const events = await client.list<{ items: { reason: string }[] }>(
          "/api/v1/namespaces/default/events",
          {
            fieldSelector: "involvedObject.name=hooked",
          },
        );
        return events.items.some((e) => e.reason === "FailedPostStartHook") ? true : undefined;
      });
      const done = await until("hooked terminated", async () => {
        const p = await getPod("hooked");
        return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
      });
      expect(done.status?.phase).not.toBe("Running");
    } finally {
      server.stop(true);
    }
  });
});
