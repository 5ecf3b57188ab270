// Unit tests of the informer handlers: a bound pod's label change moves pods that inter-pod
// affinity kept waiting, the same labels in another order or a status-only update do not; a
// node heartbeat (same labels, taints, allocatable) leaves waiting pods where they are.

import { afterEach, describe, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { ApiClient } from "../../lib/client/api-client.ts";
import { defaultProfile } from "./default-profile.ts";
import { nodeEventHandlers, podEventHandlers } from "./event-handlers.ts";
import { testPod } from "./plugins/test-fixtures.ts";
import { Scheduler } from "./scheduler.ts";

let scheduler: Scheduler | undefined;

/** A handler the scheduler must have registered. */
function must<F>(handler: F | undefined): F {
  if (!handler) throw new Error("handler missing");
  return handler;
}
afterEach(() => scheduler?.stop());

function newScheduler(): Scheduler {
  const client = new ApiClient({
    server: "http://kt.invalid",
    fetch: async () => new Response("{}", { status: 201 }),
  });
  scheduler = new Scheduler({ client, profile: defaultProfile(), log: () => {} });
  return scheduler;
}

/** A pending pod parked as unschedulable, rejected last by `plugin`. */
async function parked(s: Scheduler, plugin: string): Promise<void> {
  s.queue.add(testPod("waiting"));
  const qp = await s.queue.pop();
  if (!qp) throw new Error("no pod");
  qp.unschedulablePlugins = new Set([plugin]);
  s.queue.addUnschedulable(qp, false);
  expect(s.queue.where("default/waiting")).toBe("unschedulable");
}

const bound = (labels: Record<string, string>, phase = "Running"): Pod => ({
  metadata: { name: "web", namespace: "default", uid: "u1", labels },
  spec: { nodeName: "a", containers: [{ name: "c", image: "x" }] },
  status: { phase },
});

const node = (labels: Record<string, string>, heartbeat: string): Node => ({
  metadata: { name: "a", labels },
  status: {
    allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
    conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: heartbeat }],
  },
});

describe("scheduler event handlers", () => {
  test("a bound pod's labels changing moves pods waiting on inter-pod affinity; reordering does not", async () => {
    const s = newScheduler();
    const onUpdate = must(podEventHandlers(s).onUpdate);
    await parked(s, "InterPodAffinity");
    onUpdate(bound({ app: "web", tier: "a" }), bound({ tier: "a", app: "web" }));
    onUpdate(bound({ app: "web" }, "Pending"), bound({ app: "web" }, "Running"));
    expect(s.queue.where("default/waiting")).toBe("unschedulable");
    onUpdate(bound({ app: "web" }), bound({ app: "db" }));
    expect(s.queue.where("default/waiting")).toBe("backoff");
    onUpdate(bound({ app: "db" }), bound({}));
    expect(s.cache.nodeInfo("a")).toBeUndefined();
    expect(s.cache.nodeOf("default/web")).toBe("a");
  });

  test("a node heartbeat keeps waiting pods parked; a label change moves them", async () => {
    const s = newScheduler();
    const handlers = nodeEventHandlers(s);
    const onUpdate = must(handlers.onUpdate);
    must(handlers.onAdd)(node({ zone: "z1" }, "t0"));
    await parked(s, "NodeAffinity");
    onUpdate(node({ zone: "z1" }, "t0"), node({ zone: "z1" }, "t1"));
    expect(s.queue.where("default/waiting")).toBe("unschedulable");
    expect(s.cache.nodes().map((n) => n.name)).toEqual(["a"]);
    onUpdate(node({ zone: "z1" }, "t1"), node({ zone: "z2" }, "t2"));
    expect(s.queue.where("default/waiting")).toBe("backoff");
    expect(s.cache.nodeInfo("a")?.labels).toEqual({ zone: "z2" });
  });
});
