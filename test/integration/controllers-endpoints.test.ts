// The endpoints and endpointslice controllers over a real apiserver and fake-runtime kubelets:
// addresses follow pods becoming ready, not ready and deleted; named target ports resolve per
// pod; publishNotReadyAddresses; headless services; services without a selector left alone.

import { afterEach, expect, test } from "bun:test";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointsController } from "../../components/controller-manager/endpoints/endpoints-controller.ts";
import { endpointSliceController } from "../../components/controller-manager/endpointslice/endpoint-slice-controller.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.stop();
  cp = undefined;
});

const NS = "/api/v1/namespaces/default";

function pod(name: string, port: number, labels: Record<string, string> = { app: "web" }): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [{ name: "c", image: "hello", ports: [{ name: "http", containerPort: port }] }] },
  };
}

function service(name: string, spec: Service["spec"]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, labels: { tier: "front" } }, spec };
}

/** "ip:port" strings of an Endpoints' ready (or not-ready) addresses, sorted. */
function addresses(ep: Endpoints | undefined, which: "addresses" | "notReadyAddresses"): string[] {
  const out: string[] = [];
  for (const s of ep?.subsets ?? [])
    for (const a of s[which] ?? [])
      for (const p of s.ports ?? [{ port: 0 }]) out.push(`${a.targetRef?.name}:${p.port}`);
  return out.sort();
}

async function slicesOf(plane: ControlPlane, name: string): Promise<EndpointSlice[]> {
  const list = await plane.client.list<{ items: EndpointSlice[] }>(
    "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
    { labelSelector: `kubernetes.io/service-name=${name}` },
  );
  return list.items;
}

/** "pod:port:ready/serving/terminating" of a service's slices, sorted. */
async function sliceView(plane: ControlPlane, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const s of await slicesOf(plane, name))
    for (const e of s.endpoints ?? [])
      for (const p of s.ports?.length ? s.ports : [{ port: 0 }]) {
        const c = e.conditions ?? {};
        out.push(`${e.targetRef?.name}:${p.port}:${c.ready}/${c.serving}/${c.terminating}`);
      }
  return out.sort();
}

test("endpoints and slices follow pods: named ports per pod, readiness, deletion", async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    binder: true,
    controllers: [endpointsController, endpointSliceController],
  });
  const plane = cp;
  // Each pod names its port "http" but numbers it differently.
  await plane.client.create(`${NS}/pods`, pod("kt-a", 8080));
  await plane.client.create(`${NS}/pods`, pod("kt-b", 9090));
  await plane.client.create(`${NS}/pods`, pod("kt-other", 7070, { app: "other" }));
  await plane.client.create(
    `${NS}/services`,
    service("kt-web", { selector: { app: "web" }, ports: [{ name: "web", port: 80, targetPort: "http" }] }),
  );
  const ep = await plane.until("both pods ready in Endpoints", async () => {
    const e = await plane.client.get<Endpoints>(`${NS}/endpoints/kt-web`);
    return addresses(e, "addresses").length === 2 ? e : undefined;
  });
  expect(addresses(ep, "addresses")).toEqual(["kt-a:8080", "kt-b:9090"]);
  expect(ep.metadata?.labels).toEqual({ tier: "front" });
  const a = await plane.client.get<Pod>(`${NS}/pods/kt-a`);
  const address = ep.subsets?.flatMap((s) => s.addresses ?? []).find((x) => x.targetRef?.name === "kt-a");
  expect(address).toMatchObject({
    ip: a.status?.podIP as string,
    nodeName: a.spec?.nodeName as string,
    targetRef: { kind: "Pod", namespace: "default", name: "kt-a", uid: a.metadata?.uid as string },
  });

  await plane.until("slices with both pods", async () => {
    const view = await sliceView(plane, "kt-web");
    return view.length === 2 ? view : undefined;
  });
  expect(await sliceView(plane, "kt-web")).toEqual([
    "kt-a:8080:true/true/false",
    "kt-b:9090:true/true/false",
  ]);
  const slices = await slicesOf(plane, "kt-web");
  expect(slices).toHaveLength(2); // one per port set (8080 vs 9090)
  for (const s of slices) {
    expect(s.metadata?.name).toMatch(/^kt-web-[a-z0-9]{5}$/);
    expect(s.addressType).toBe("IPv4");
    expect(s.metadata?.labels).toEqual({
      tier: "front",
      "kubernetes.io/service-name": "kt-web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    expect(s.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Service",
      name: "kt-web",
      controller: true,
    });
    expect(s.ports).toEqual([expect.objectContaining({ name: "web", protocol: "TCP" })]);
  }

  // A sync with nothing new writes nothing (the apiserver's address sort does not cause rewrites).
  const rv = async () =>
    JSON.stringify([
      (await plane.client.get<Endpoints>(`${NS}/endpoints/kt-web`)).metadata?.resourceVersion,
      (await slicesOf(plane, "kt-web")).map((s) => s.metadata?.resourceVersion).sort(),
    ]);
  const before = await rv();
  await plane.client.patch(`${NS}/services/kt-web`, { metadata: { annotations: { poke: "1" } } });
  await plane.client.create(
    `${NS}/services`,
    service("kt-barrier", { selector: { app: "web" }, ports: [{ port: 1 }] }),
  );
  await plane.until("barrier service synced", async () =>
    (await slicesOf(plane, "kt-barrier"))[0]?.endpoints?.length === 2 &&
    (await plane.client.get<Endpoints>(`${NS}/endpoints/kt-barrier`)).subsets?.length
      ? true
      : undefined,
  );
  expect(await rv()).toBe(before);

  // kt-b stops being ready (its Ready condition goes False, as the kubelet would write it).
  const b = await plane.client.get<Pod>(`${NS}/pods/kt-b`);
  await plane.client.update(`${NS}/pods/kt-b/status`, {
    ...b,
    status: {
      ...b.status,
      conditions: b.status?.conditions?.map((c) => (c.type === "Ready" ? { ...c, status: "False" } : c)),
    },
  });
  const notReady = await plane.until("kt-b not ready", async () => {
    const e = await plane.client.get<Endpoints>(`${NS}/endpoints/kt-web`);
    return addresses(e, "notReadyAddresses").length === 1 ? e : undefined;
  });
  expect(addresses(notReady, "addresses")).toEqual(["kt-a:8080"]);
  expect(addresses(notReady, "notReadyAddresses")).toEqual(["kt-b:9090"]);
  await plane.until("kt-b not ready in slices", async () =>
    (await sliceView(plane, "kt-web")).includes("kt-b:9090:false/false/false") ? true : undefined,
  );

  // kt-a is deleted: gone from Endpoints once it is gone (terminating pods never are ready addresses).
  await plane.client.delete(`${NS}/pods/kt-a`);
  await plane.until("kt-a gone", async () => {
    const e = await plane.client.get<Endpoints>(`${NS}/endpoints/kt-web`);
    return addresses(e, "addresses").length === 0 ? true : undefined;
  });
  await plane.until("kt-a gone from slices", async () => {
    const view = await sliceView(plane, "kt-web");
    return view.length === 1 && (await slicesOf(plane, "kt-web")).length === 1 ? view : undefined;
  });

  // The service goes: its Endpoints go; its slices are deleted.
  await plane.client.delete(`${NS}/services/kt-web`);
  await plane.until("Endpoints deleted", async () => {
    try {
      await plane.client.get(`${NS}/endpoints/kt-web`);
      return undefined;
    } catch {
      return true;
    }
  });
  await plane.until("slices deleted", async () =>
    (await slicesOf(plane, "kt-web")).length === 0 ? true : undefined,
  );
}, 60_000);

test("publishNotReadyAddresses, headless without ports, and selector-less services", async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1"],
    binder: true,
    controllers: [endpointsController, endpointSliceController],
  });
  const plane = cp;
  await plane.client.create(`${NS}/pods`, {
    ...pod("kt-h", 8080),
    spec: {
      ...pod("kt-h", 8080).spec,
      hostname: "kt-h",
      subdomain: "kt-headless",
      containers: [{ name: "c", image: "hello" }],
    },
  } satisfies Pod);
  await plane.client.create(
    `${NS}/services`,
    service("kt-headless", { selector: { app: "web" }, clusterIP: "None" }),
  );
  await plane.client.create(
    `${NS}/services`,
    service("kt-publish", {
      selector: { app: "web" },
      publishNotReadyAddresses: true,
      ports: [{ port: 81 }],
    }),
  );
  await plane.client.create(`${NS}/services`, service("kt-manual", { ports: [{ port: 82 }] }));

  const headless = await plane.until("headless endpoints", async () => {
    const e = await plane.client.get<Endpoints>(`${NS}/endpoints/kt-headless`);
    return e.subsets?.[0]?.addresses?.length ? e : undefined;
  });
  expect(headless.metadata?.labels).toEqual({ tier: "front", "service.kubernetes.io/headless": "" });
  expect(headless.subsets?.[0]?.ports).toBeUndefined();
  expect(headless.subsets?.[0]?.addresses?.[0]?.hostname).toBe("kt-h");
  const hs = await plane.until("headless slice", async () => {
    const s = await slicesOf(plane, "kt-headless");
    return s[0]?.endpoints?.length ? s : undefined;
  });
  expect(hs[0]?.endpoints?.[0]?.hostname).toBe("kt-h");
  expect(hs[0]?.metadata?.labels?.["service.kubernetes.io/headless"]).toBe("");

  // Not ready, yet published as a ready address (targetPort defaults to the port).
  const p = await plane.client.get<Pod>(`${NS}/pods/kt-h`);
  await plane.client.update(`${NS}/pods/kt-h/status`, {
    ...p,
    status: {
      ...p.status,
      conditions: p.status?.conditions?.map((c) => (c.type === "Ready" ? { ...c, status: "False" } : c)),
    },
  });
  await plane.until("kt-publish endpoints ready while pod is not", async () => {
    const e = await plane.client.get<Endpoints>(`${NS}/endpoints/kt-publish`);
    const pub = await sliceView(plane, "kt-publish");
    return addresses(e, "addresses").join() === "kt-h:81" && pub.join() === "kt-h:81:true/false/false"
      ? true
      : undefined;
  });

  // No selector: no Endpoints and no slices are made for it.
  expect(await plane.client.get(`${NS}/endpoints/kt-manual`).catch(() => "absent")).toBe("absent");
  expect(await slicesOf(plane, "kt-manual")).toEqual([]);
}, 60_000);
