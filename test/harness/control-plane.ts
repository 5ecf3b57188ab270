// An in-process control plane for controller and scheduler tests: a real apiserver on a free
// port, N fake-runtime kubelets (Nodes that register, renew leases and report pods Running
// with IPs, kwok-style), optionally controllers, and a trivial binder standing in for the
// scheduler (round-robin) when a test does not run the real one. stop() removes everything.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import type { ControllerDescriptor } from "../../components/controller-manager/controller.ts";
import { startControllerManager } from "../../components/controller-manager/controller-manager.ts";
import { createImageResolver } from "../../components/kubelet/images/image-resolver.ts";
import { type Kubelet, startKubelet } from "../../components/kubelet/kubelet.ts";
import { createFakeRuntime, type FakeRuntime } from "../../components/kubelet/runtime/fake/fake-runtime.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { startTestApiserver, type TestApiserver } from "./apiserver.ts";
import { until as waitUntil } from "./until.ts";

export interface FakeNode {
  name: string;
  kubelet: Kubelet;
  runtime: FakeRuntime;
}

export interface ControlPlane {
  api: TestApiserver;
  url: string;
  client: ApiClient;
  nodes: FakeNode[];
  /** Adds another fake node (kubelet) named `name`. */
  addNode(name: string): Promise<FakeNode>;
  /** Waits until `fn` returns a value (not undefined), polling every 25 ms. */
  until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startControlPlane(options: {
  /** Fake nodes to start, by name. */
  nodes?: string[];
  /** Controllers to run (without leader election). */
  controllers?: ControllerDescriptor[];
  /** Bind pending pods round-robin to the nodes (a stand-in for the scheduler). */
  binder?: boolean;
  /**
   * The fake kubelets' heartbeats: Lease duration (renewed every quarter of it; 40 s) and status
   * period (10 s). Node lifecycle tests shorten both so a short grace period still outlasts them.
   */
  heartbeat?: { nodeLeaseDurationSeconds: number; nodeStatusUpdateFrequencyMs: number };
  log?: (line: string) => void;
}): Promise<ControlPlane> {
  const log = options.log ?? (process.env.KT_DEBUG ? (line: string) => console.error(line) : () => {});
  const dir = mkdtempSync(join(tmpdir(), "kt-control-plane-"));
  const api = await startTestApiserver();
  const client = new ApiClient({ server: api.url });
  const nodes: FakeNode[] = [];
  const components: Component[] = [];
  let subnet = 0;

  const addNode = async (name: string): Promise<FakeNode> => {
    subnet++;
    const runtime = createFakeRuntime({ podCIDR: `10.244.${subnet}.0/24`, nodeIP: "127.0.0.1" });
    const kubelet = await startKubelet({
      nodeName: name,
      rootDir: join(dir, name),
      runtime,
      images: createImageResolver({ kubeExecutable: ["kube"] }),
      client,
      kubeletPort: 10250,
      crashLoopBackoffMs: 100,
      ...options.heartbeat,
      dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
      stopPodsOnExit: true,
      log: (line) => log(`${name}: ${line}`),
    });
    await kubelet.ready;
    const node = { name, kubelet, runtime };
    nodes.push(node);
    return node;
  };

  for (const name of options.nodes ?? []) await addNode(name);
  if (options.controllers?.length) {
    components.push(
      await startControllerManager({
        client,
        controllers: options.controllers,
        leaderElect: false,
        options: {
          allocateNodeCIDRs: false,
          nodeMonitorGracePeriodMs: 40_000,
          podEvictionTimeoutMs: 300_000,
          workers: 5,
        },
        log,
      }),
    );
  }
  let binder: Informer<Pod> | undefined;
  if (options.binder) {
    let next = 0;
    binder = new Informer<Pod>({
      client,
      path: "/api/v1/pods",
      fieldSelector: "spec.nodeName=",
      log,
      onAdd: (pod) => {
        if (!nodes.length || pod.metadata?.deletionTimestamp) return;
        const node = nodes[next++ % nodes.length] as FakeNode;
        const ns = pod.metadata?.namespace ?? "default";
        client
          .create(`/api/v1/namespaces/${ns}/pods/${pod.metadata?.name}/binding`, {
            apiVersion: "v1",
            kind: "Binding",
            metadata: { name: pod.metadata?.name, namespace: ns },
            target: { apiVersion: "v1", kind: "Node", name: node.name },
          })
          .catch((error: Error) => log(`binder: ${error.message}`));
      },
    });
    binder.start();
  }

  const until = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000) =>
    waitUntil(what, fn, { timeoutMs, intervalMs: 25 });

  return {
    api,
    url: api.url,
    client,
    nodes,
    addNode,
    until,
    async stop() {
      await binder?.stop();
      for (const c of components.reverse()) await c.stop();
      for (const n of nodes) await n.kubelet.stop();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
