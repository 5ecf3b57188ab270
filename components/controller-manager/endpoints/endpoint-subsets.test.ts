// Endpoints subsets: ready/not-ready, named ports per pod, repacking by port set, headless,
// publishNotReadyAddresses, and equality that survives the apiserver's address sort.
import { expect, test } from "bun:test";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { desiredSubsets, subsetsEqual } from "./endpoint-subsets.ts";

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
      labels: { app: "web" },
      deletionTimestamp: opts.deleting ? "2025-01-01T00:00:00Z" : undefined,
    },
    spec: {
      nodeName: "n1",
      containers: [{ name: "c", image: "x", ports: [{ name: "http", containerPort: opts.port ?? 8080 }] }],
    },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

const svc = (spec: Service["spec"]): Service => ({ metadata: { name: "web", namespace: "default" }, spec });
const web = svc({
  selector: { app: "web" },
  ports: [{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }],
});

test("ready and not-ready pods sharing ports share a subset; addresses carry node and targetRef", () => {
  const subsets = desiredSubsets(web, [
    pod("b", "10.0.0.9"),
    pod("a", "10.0.0.10"),
    pod("c", "10.0.0.11", { ready: false }),
  ]);
  expect(subsets).toHaveLength(1);
  expect(subsets[0]?.addresses?.map((a) => a.ip)).toEqual(["10.0.0.10", "10.0.0.9"]);
  expect(subsets[0]?.notReadyAddresses?.map((a) => a.targetRef?.name)).toEqual(["c"]);
  expect(subsets[0]?.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
  expect(subsets[0]?.addresses?.[0]).toEqual({
    ip: "10.0.0.10",
    nodeName: "n1",
    targetRef: { kind: "Pod", namespace: "default", name: "a", uid: "uid-a" },
  });
});

test("a named targetPort resolves per pod; pods numbering it differently land in different subsets", () => {
  const subsets = desiredSubsets(web, [
    pod("a", "10.0.0.1", { port: 8080 }),
    pod("b", "10.0.0.2", { port: 9090 }),
  ]);
  expect(subsets.map((s) => `${s.addresses?.[0]?.ip}:${s.ports?.[0]?.port}`).sort()).toEqual([
    "10.0.0.1:8080",
    "10.0.0.2:9090",
  ]);
  const missing = svc({ selector: { app: "web" }, ports: [{ port: 80, targetPort: "nope" }] });
  expect(desiredSubsets(missing, [pod("a", "10.0.0.1")])).toEqual([]);
});

test("terminating, finished and IP-less pods are left out unless published", () => {
  const done: Pod = { ...pod("d", "10.0.0.4"), status: { phase: "Succeeded", podIP: "10.0.0.4" } };
  const noIp: Pod = { ...pod("e", ""), status: { phase: "Pending" } };
  const pods = [pod("a", "10.0.0.1", { deleting: true }), done, noIp];
  expect(desiredSubsets(web, pods)).toEqual([]);
  const published = desiredSubsets({ ...web, spec: { ...web.spec, publishNotReadyAddresses: true } }, [
    pod("a", "10.0.0.1", { deleting: true, ready: false }),
  ]);
  expect(published[0]?.addresses?.map((a) => a.ip)).toEqual(["10.0.0.1"]);
});

test("headless without ports lists addresses with no ports; a portless non-headless service lists none", () => {
  const headless = svc({ selector: { app: "web" }, clusterIP: "None" });
  const subsets = desiredSubsets(headless, [pod("a", "10.0.0.1")]);
  expect(subsets).toEqual([{ addresses: [expect.objectContaining({ ip: "10.0.0.1" })] }]);
  expect(desiredSubsets(svc({ selector: { app: "web" } }), [pod("a", "10.0.0.1")])).toEqual([]);
});

test("equality ignores order and the fields' order, as the apiserver returns them", () => {
  const mine = desiredSubsets(web, [pod("a", "10.0.0.2"), pod("b", "10.0.0.10"), pod("c", "10.0.0.3")]);
  const fromServer = JSON.parse(JSON.stringify(mine)) as typeof mine;
  fromServer[0]?.addresses?.reverse();
  const first = fromServer[0]?.addresses?.[0];
  if (first)
    fromServer[0]?.addresses?.splice(0, 1, {
      targetRef: first.targetRef,
      nodeName: first.nodeName,
      ip: first.ip,
    });
  expect(subsetsEqual(mine, fromServer)).toBe(true);
  expect(subsetsEqual(mine, desiredSubsets(web, [pod("a", "10.0.0.2")]))).toBe(false);
});
