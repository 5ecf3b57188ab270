// EndpointSlice endpoints: conditions (ready/serving/terminating), grouping by resolved ports,
// hostname, canonical comparison.
import { expect, test } from "bun:test";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { canonicalEndpoints, desiredPortGroups, portsKey } from "./slice-endpoints.ts";

function pod(
  name: string,
  ip: string,
  opts: { ready?: boolean; port?: number; deleting?: boolean } = {},
): Pod {
  return {
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      deletionTimestamp: opts.deleting ? "2025-01-01T00:00:00Z" : undefined,
    },
    spec: {
      nodeName: "n1",
      hostname: name,
      subdomain: "web",
      containers: [{ name: "c", image: "x", ports: [{ name: "http", containerPort: opts.port ?? 8080 }] }],
    },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

const web: Service = {
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }] },
};

test("conditions: ready = serving and not terminating; terminating pods stay, not ready", () => {
  const [group] = desiredPortGroups(web, [
    pod("a", "10.0.0.1"),
    pod("b", "10.0.0.2", { ready: false }),
    pod("c", "10.0.0.3", { deleting: true }),
  ]);
  expect(group?.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
  expect(group?.endpoints.map((e) => [e.targetRef?.name, e.conditions])).toEqual([
    ["a", { ready: true, serving: true, terminating: false }],
    ["b", { ready: false, serving: false, terminating: false }],
    ["c", { ready: false, serving: true, terminating: true }],
  ]);
  expect(group?.endpoints[0]).toMatchObject({ addresses: ["10.0.0.1"], hostname: "a", nodeName: "n1" });
  const published = desiredPortGroups({ ...web, spec: { ...web.spec, publishNotReadyAddresses: true } }, [
    pod("b", "10.0.0.2", { ready: false }),
  ]);
  expect(published[0]?.endpoints[0]?.conditions).toEqual({ ready: true, serving: false, terminating: false });
});

test("pods resolving a named port differently get separate groups", () => {
  const groups = desiredPortGroups(web, [
    pod("a", "10.0.0.1", { port: 1 }),
    pod("b", "10.0.0.2", { port: 2 }),
  ]);
  expect(groups.map((g) => g.ports[0]?.port).sort()).toEqual([1, 2]);
  expect(portsKey([{ port: 1 }])).toBe(portsKey([{ name: "", port: 1, protocol: "TCP" }]));
});

test("canonical endpoints compare equal whatever the order", () => {
  const [group] = desiredPortGroups(web, [pod("a", "10.0.0.1"), pod("b", "10.0.0.2")]);
  const reversed = [...(group?.endpoints ?? [])].reverse().map((e) => ({ nodeName: e.nodeName, ...e }));
  expect(canonicalEndpoints(reversed)).toBe(canonicalEndpoints(group?.endpoints));
});
