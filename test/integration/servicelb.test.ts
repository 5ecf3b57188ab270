// The service-lb controller over a real apiserver and fake-runtime kubelets: a LoadBalancer
// service gets the Ready nodes' InternalIPs as ingress (what `kubectl get svc` shows as
// EXTERNAL-IP), loses it when its type changes; other services and other classes are left alone.

import { afterEach, expect, test } from "bun:test";
import type { Service } from "kubernetes-types/core/v1";
import { serviceLbController } from "../../components/controller-manager/servicelb/service-lb-controller.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.stop();
  cp = undefined;
});

const SVC = "/api/v1/namespaces/default/services";

const service = (name: string, spec: Service["spec"]): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec,
});

const ingressOf = async (plane: ControlPlane, name: string) =>
  (await plane.client.get<Service>(`${SVC}/${name}`)).status?.loadBalancer?.ingress;

test("LoadBalancer services get the Ready nodes' InternalIPs, cleared when the type changes", async () => {
  cp = await startControlPlane({ nodes: ["n1", "n2"], controllers: [serviceLbController] });
  const plane = cp;
  await plane.client.create(SVC, service("lb", { type: "LoadBalancer", ports: [{ port: 80 }] }));
  await plane.client.create(SVC, service("plain", { ports: [{ port: 80 }] }));
  await plane.client.create(
    SVC,
    service("other", { type: "LoadBalancer", loadBalancerClass: "example.com/lb", ports: [{ port: 80 }] }),
  );
  // The fake kubelets both report 127.0.0.1: one entry.
  const ingress = await plane.until("lb ingress", async () => {
    const value = await ingressOf(plane, "lb");
    return value?.length ? value : undefined;
  });
  expect(ingress).toEqual([{ ip: "127.0.0.1", ipMode: "VIP" }]);

  await plane.client.patch(`${SVC}/lb`, {
    spec: { type: "ClusterIP", ports: [{ port: 80, targetPort: 80 }] },
  });
  await plane.until("lb ingress cleared", async () => ((await ingressOf(plane, "lb")) ? undefined : true));
  expect(await ingressOf(plane, "plain")).toBeUndefined();
  expect(await ingressOf(plane, "other")).toBeUndefined();
});
