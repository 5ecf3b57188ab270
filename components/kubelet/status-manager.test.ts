import { describe, expect, test } from "bun:test";
import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import { ApiClient } from "../../lib/client/api-client.ts";
import { StatusManager } from "./status-manager.ts";

/** A StatusManager whose API records each status patch and answers with the pod. */
function recording(): { manager: StatusManager; patches: unknown[] } {
  const patches: unknown[] = [];
  const client = new ApiClient({
    server: "http://api.invalid",
    fetch: async (request) => {
      patches.push(await request.json());
      return Response.json({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns" } });
    },
  });
  return { manager: new StatusManager(client, () => {}), patches };
}

const running: PodStatus = {
  phase: "Running",
  conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2025-01-02T03:04:05Z" }],
  podIP: "10.88.3.2",
  startTime: "2025-01-02T03:04:00Z",
  containerStatuses: [
    {
      name: "app",
      ready: true,
      restartCount: 0,
      image: "pause",
      imageID: "",
      containerID: "fake://fake-container-2",
      state: { running: { startedAt: "2025-01-02T03:04:01Z" } },
    },
  ],
};

const pod = (status?: PodStatus): Pod => ({
  metadata: { name: "p", namespace: "ns", uid: "u1" },
  spec: { containers: [{ name: "app", image: "pause" }] },
  ...(status ? { status } : {}),
});

const settle = () => new Promise((r) => setTimeout(r, 10));

describe("StatusManager", () => {
  test("a status the API already holds is not written (an adopted pod after a kubelet restart)", async () => {
    const { manager, patches } = recording();
    // Stored with other key order and fields the kubelet does not write (qosClass, nominatedNodeName).
    const stored = JSON.parse(JSON.stringify({ qosClass: "BestEffort", ...running })) as PodStatus;
    manager.set(pod(stored), { ...running, message: undefined });
    await settle();
    expect(patches).toEqual([]);
    // The next change is written.
    manager.set(pod(stored), { ...running, phase: "Succeeded" });
    await settle();
    expect(patches).toHaveLength(1);
  });

  test("conditions the kubelet builds with lastProbeTime: null match stored ones without it", async () => {
    const { manager, patches } = recording();
    const withNull = {
      ...running,
      conditions: [{ ...running.conditions![0]!, lastProbeTime: null as unknown as string }],
    };
    // The apiserver drops the null: the stored condition has no lastProbeTime at all.
    manager.set(pod(running), withNull);
    await settle();
    expect(patches).toEqual([]);
    // A real difference beside the null is still written.
    const other = recording();
    other.manager.set(pod(running), {
      ...withNull,
      conditions: [{ ...withNull.conditions[0]!, status: "False" }],
    });
    await settle();
    expect(other.patches).toHaveLength(1);
  });

  test("a status that differs in any field the kubelet writes is written", async () => {
    const { manager, patches } = recording();
    manager.set(pod({ ...running, podIP: "10.88.3.9" }), running);
    manager.set(pod(), { ...running, phase: "Pending" });
    await settle();
    expect(patches.map((p) => (p as { status: PodStatus }).status.phase)).toEqual(["Running", "Pending"]);
    const other = recording();
    const restarted = {
      ...running,
      containerStatuses: [{ ...running.containerStatuses![0]!, restartCount: 1 }],
    };
    other.manager.set(pod(running), restarted);
    await settle();
    expect(other.patches).toHaveLength(1);
  });
});
