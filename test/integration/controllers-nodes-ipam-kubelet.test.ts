// Node IPAM beside the kubelet, which registers with its runtime's own pod CIDR: a node that
// registers with one keeps it (nodeipam occupies it when it lies in the cluster CIDR, ignores it
// otherwise); a node nodeipam gave a CIDR first keeps that one when its kubelet joins (podCIDR is
// immutable once set), even though the kubelet's runtime hands out IPs from its own range.

import { afterEach, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { nodeIpamControllerWith } from "../../components/controller-manager/nodeipam/node-ipam-controller.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.stop();
  cp = undefined;
});

test("nodeipam and kubelet-chosen pod CIDRs", async () => {
  const logs: string[] = [];
  cp = await startControlPlane({
    nodes: ["kt-n1"],
    binder: true,
    controllers: [nodeIpamControllerWith({ allocateNodeCIDRs: true, clusterCIDR: "10.244.0.0/16" })],
    log: (line) => logs.push(line),
  });
  const plane = cp;
  const cidrOf = async (name: string) =>
    (await plane.client.get<Node>(`/api/v1/nodes/${name}`)).spec?.podCIDR;
  // kt-n1 registered with its runtime's 10.244.1.0/24: kept, and counted as taken.
  expect(await cidrOf("kt-n1")).toBe("10.244.1.0/24");

  // A Node created before its kubelet: nodeipam gives it the first free /24.
  await plane.client.create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "kt-n2" } });
  expect(await plane.until("kt-n2 CIDR", () => cidrOf("kt-n2"))).toBe("10.244.0.0/24");
  // Its kubelet joins with a runtime on 10.244.2.0/24 (the harness's second range): the Node keeps
  // nodeipam's CIDR, the pods get IPs from the runtime's range.
  await plane.addNode("kt-n2");
  expect(await cidrOf("kt-n2")).toBe("10.244.0.0/24");
  await plane.client.create("/api/v1/namespaces/default/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "kt-p" },
    spec: { nodeName: "kt-n2", containers: [{ name: "c", image: "hello" }] },
  });
  const ip = await plane.until(
    "kt-p IP",
    async () => (await plane.client.get<Pod>("/api/v1/namespaces/default/pods/kt-p")).status?.podIP,
  );
  expect(ip.startsWith("10.244.2.")).toBe(true);

  // A node registering with a CIDR outside the cluster CIDR keeps it; nodeipam only logs.
  await plane.client.create("/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "kt-n3" },
    spec: { podCIDR: "10.88.7.0/24", podCIDRs: ["10.88.7.0/24"] },
  });
  await plane.until("out-of-range log", () =>
    logs.find((l) => l.includes("kt-n3: failed to mark cidr 10.88.7.0/24 as occupied")),
  );
  expect(await cidrOf("kt-n3")).toBe("10.88.7.0/24");
  // The next node gets 10.244.2.0/24: nodeipam does not know the runtime of kt-n2 uses it.
  await plane.client.create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "kt-n4" } });
  expect(await plane.until("kt-n4 CIDR", () => cidrOf("kt-n4"))).toBe("10.244.2.0/24");
}, 30_000);
