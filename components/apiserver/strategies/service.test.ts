import { describe, expect, test } from "bun:test";
import type { Stored } from "../registry/object.ts";
import { serviceStrategy } from "./service.ts";
import { created, createErrors, updated, updateErrors } from "./strategy-harness.ts";

// `kubectl expose deployment hello --type=NodePort --port=8080`
const exposeBody = {
  kind: "Service",
  apiVersion: "v1",
  metadata: { name: "hello", labels: { app: "hello" } },
  spec: {
    ports: [{ protocol: "TCP", port: 8080, targetPort: 8080 }],
    selector: { app: "hello" },
    type: "NodePort",
  },
  status: { loadBalancer: {} },
};

/** What admission would add: a cluster IP and node ports. */
function allocate(obj: Stored): Stored {
  const spec = obj.spec as Record<string, unknown>;
  spec.clusterIP = "10.96.0.10";
  spec.clusterIPs = ["10.96.0.10"];
  for (const p of spec.ports as Record<string, unknown>[]) if (spec.type === "NodePort") p.nodePort = 31000;
  return obj;
}

describe("service", () => {
  test("expose body comes out with upstream's defaults", () => {
    const obj = created(serviceStrategy, exposeBody);
    expect(obj.spec).toEqual({
      externalTrafficPolicy: "Cluster",
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 8080, protocol: "TCP", targetPort: 8080 }],
      selector: { app: "hello" },
      sessionAffinity: "None",
      type: "NodePort",
    });
    expect(obj.status).toEqual({ loadBalancer: {} });
    expect(serviceStrategy.validate?.(allocate(obj))).toEqual([]);
    expect(serviceStrategy.nameIsLabel).toBe(true);
  });

  test("ClusterIP defaults: type, targetPort = port, no externalTrafficPolicy", () => {
    const obj = created(serviceStrategy, { metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } });
    expect(obj.spec).toEqual({
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      sessionAffinity: "None",
      type: "ClusterIP",
    });
    const lb = created(serviceStrategy, {
      metadata: { name: "lb" },
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
    });
    expect((lb.spec as Record<string, unknown>).allocateLoadBalancerNodePorts).toBe(true);
    const headless = created(serviceStrategy, { metadata: { name: "h" }, spec: { clusterIP: "None" } });
    expect((headless.spec as Record<string, unknown>).ipFamilyPolicy).toBe("RequireDualStack");
    expect(serviceStrategy.validate?.(headless)).toEqual([]);
  });

  test("validation messages", () => {
    expect(createErrors(serviceStrategy, { metadata: { name: "x" }, spec: {} })).toEqual([
      "spec.ports: Required value",
    ]);
    expect(
      createErrors(serviceStrategy, {
        metadata: { name: "1x" },
        spec: {
          type: "Magic",
          ports: [{ port: 70000 }, { port: 80, name: "http", nodePort: 80 }],
          sessionAffinity: "Sticky",
        },
      }),
    ).toEqual([
      `metadata.name: Invalid value: "1x": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      "spec.ports[0].name: Required value",
      "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.ports[1].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
      'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
    ]);
    expect(
      createErrors(serviceStrategy, {
        metadata: { name: "c" },
        spec: { ports: [{ port: 80, nodePort: 30001 }] },
      }),
    ).toEqual(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
    expect(
      createErrors(serviceStrategy, { metadata: { name: "e" }, spec: { type: "ExternalName" } }),
    ).toEqual(["spec.externalName: Required value"]);
    expect(createErrors(serviceStrategy, { metadata: { name: "p" }, spec: { ports: "80" } })).toEqual([
      'spec.ports: Invalid value: "80": must be of type array',
    ]);
  });

  test("a PUT without clusterIP and nodePort keeps them; changing the IP is refused", () => {
    const old = allocate(created(serviceStrategy, exposeBody));
    const next = structuredClone(exposeBody);
    const kept = updated(serviceStrategy, next, old);
    const spec = kept.spec as Record<string, unknown>;
    expect(spec.clusterIP).toBe("10.96.0.10");
    expect((spec.ports as Record<string, unknown>[])[0]?.nodePort).toBe(31000);
    expect(updateErrors(serviceStrategy, next, old)).toEqual([]);
    const moved = structuredClone(old);
    (moved.spec as Record<string, unknown>).clusterIP = "10.96.0.11";
    (moved.spec as Record<string, unknown>).clusterIPs = ["10.96.0.11"];
    expect(updateErrors(serviceStrategy, moved, old)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
    ]);
  });

  test("changing type to ClusterIP drops node ports and externalTrafficPolicy", () => {
    const old = allocate(created(serviceStrategy, exposeBody));
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).type = "ClusterIP";
    const spec = updated(serviceStrategy, next, old).spec as Record<string, unknown>;
    expect((spec.ports as Record<string, unknown>[])[0]?.nodePort).toBeUndefined();
    expect(spec.externalTrafficPolicy).toBeUndefined();
  });

  test("field selectors", () => {
    const obj = allocate(created(serviceStrategy, exposeBody));
    expect(serviceStrategy.fields?.(obj)).toEqual({
      "spec.clusterIP": "10.96.0.10",
      "spec.type": "NodePort",
    });
  });
});
