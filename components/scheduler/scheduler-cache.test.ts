// Unit tests of the scheduler cache's bookkeeping: node updates keep the node list (and its
// round-robin order), a confirmed binding reuses the assumed PodInfo's immutable parts but
// re-reads labels and requests, a recreated pod (new uid) is parsed afresh, and quantities
// parse the same through the cache, malformed ones as zero.

import { describe, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { newPodInfo } from "./pod-info.ts";
import { resourcesOf } from "./resources.ts";
import { SchedulerCache } from "./scheduler-cache.ts";

const node = (name: string, cpu = "4"): Node => ({
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  status: { allocatable: { cpu, memory: "8Gi", pods: "110" } },
});

const pod = (
  uid: string,
  cpu: string,
  extra: { nodeName?: string; labels?: Record<string, string> } = {},
): Pod => ({
  metadata: { name: "p", namespace: "default", uid, labels: extra.labels ?? { app: "a" } },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: [{ name: "c", image: "x", resources: { requests: { cpu, memory: "1Gi" } } }],
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: "a" } }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    },
  },
});

describe("SchedulerCache", () => {
  test("a node's update keeps the node list; a new node or a removed one rebuilds it", () => {
    const cache = new SchedulerCache();
    cache.addNode(node("a"));
    cache.addNode(node("b"));
    const list = cache.nodes();
    expect(list.map((n) => n.name)).toEqual(["a", "b"]);
    cache.addNode(node("a", "8"));
    expect(cache.nodes()).toBe(list);
    expect(cache.nodeInfo("a")?.allocatable.milliCPU).toBe(8000);
    cache.addNode(node("c"));
    expect(cache.nodes().map((n) => n.name)).toEqual(["a", "b", "c"]);
    cache.removeNode("b");
    expect(cache.nodes().map((n) => n.name)).toEqual(["a", "c"]);
  });

  test("a node deleted while a pod is bound there comes back into the list when re-added", () => {
    const cache = new SchedulerCache();
    cache.addNode(node("a"));
    cache.addPod(pod("u1", "1", { nodeName: "a" }));
    cache.removeNode("a");
    expect(cache.nodes()).toEqual([]);
    cache.addNode(node("a"));
    expect(cache.nodes().map((n) => n.name)).toEqual(["a"]);
    expect(cache.nodeInfo("a")?.requested.milliCPU).toBe(1000);
  });

  test("confirming an assumed pod re-reads its requests and labels, keeps its affinity terms", () => {
    const cache = new SchedulerCache();
    cache.addNode(node("a"));
    const assumed = newPodInfo(pod("u1", "500m"));
    cache.assume(assumed, "a");
    expect(cache.podsWithRequiredAntiAffinity()).toBe(1);
    cache.addPod(pod("u1", "1", { nodeName: "a", labels: { app: "b" } }));
    const info = cache.nodeInfo("a")?.pods.get("default/p");
    expect(cache.isAssumed("default/p")).toBe(false);
    expect(info?.labels).toEqual({ app: "b" });
    expect(info?.requests.milliCPU).toBe(1000);
    expect(cache.nodeInfo("a")?.requested.milliCPU).toBe(1000);
    expect(info?.requiredAntiAffinity).toBe(assumed.requiredAntiAffinity);
    expect(cache.podsWithRequiredAntiAffinity()).toBe(1);
  });

  test("a pod recreated under the same name (new uid) is parsed afresh", () => {
    const previous = newPodInfo(pod("u1", "1"));
    const fresh = newPodInfo(pod("u2", "2"), previous);
    expect(fresh.requiredAntiAffinity).not.toBe(previous.requiredAntiAffinity);
    expect(fresh.requests.milliCPU).toBe(2000);
  });
});

describe("resourcesOf", () => {
  test("parses through its cache exactly as the first time; malformed quantities count as zero", () => {
    for (let round = 0; round < 2; round++) {
      expect(resourcesOf({ cpu: "100m", memory: "128Mi", pods: "110", "nvidia.com/gpu": "2" })).toEqual({
        milliCPU: 100,
        memory: 128 * 1024 * 1024,
        ephemeralStorage: 0,
        scalar: { "nvidia.com/gpu": 2 },
      });
      expect(resourcesOf({ cpu: "1.5", memory: "lots" })).toMatchObject({ milliCPU: 1500, memory: 0 });
    }
  });
});
