import { expect, test } from "bun:test";
import type { Service } from "kubernetes-types/core/v1";
import { hostPortFor, privilegedPortRule, serviceForwards } from "./service-forwards.ts";

const svc = (
  name: string,
  spec: Service["spec"],
  ingress?: string,
  created = "2026-01-01T00:00:00Z",
): Service => ({
  metadata: { namespace: "default", name, creationTimestamp: created },
  spec,
  ...(ingress ? { status: { loadBalancer: { ingress: [{ ip: ingress }] } } } : {}),
});

test("NodePorts (TCP and UDP) go to the tap address; ClusterIP and ExternalName Services are not forwarded", () => {
  const forwards = serviceForwards(
    [
      svc("web", {
        type: "NodePort",
        ports: [
          { port: 80, nodePort: 30080 },
          { port: 53, protocol: "UDP", nodePort: 30053 },
        ],
      }),
      svc("internal", { type: "ClusterIP", ports: [{ port: 80 }] }),
      svc("alias", { type: "ExternalName", externalName: "example.com" }),
      svc("sctp", { type: "NodePort", ports: [{ port: 9, protocol: "SCTP", nodePort: 30009 }] }),
    ],
    "10.0.2.100",
    1024,
  );
  expect(forwards).toEqual([
    { proto: "tcp", hostPort: 30080, guestAddress: "10.0.2.100", guestPort: 30080, service: "default/web" },
    { proto: "udp", hostPort: 30053, guestAddress: "10.0.2.100", guestPort: 30053, service: "default/web" },
  ]);
});

test("a LoadBalancer forwards its NodePort and its port (to the ingress IP); ports below the limit move up by 10000", () => {
  const forwards = serviceForwards(
    [svc("lb", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31000 }] }, "10.42.0.1")],
    "10.0.2.100",
    1024,
  );
  expect(forwards.map((f) => [f.proto, f.hostPort, f.guestAddress, f.guestPort])).toEqual([
    ["tcp", 31000, "10.0.2.100", 31000],
    ["tcp", 10080, "10.42.0.1", 80],
  ]);
  // Without an ingress IP yet, only the NodePort.
  expect(
    serviceForwards([svc("lb", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31000 }] })], "t", 1024),
  ).toHaveLength(1);
  // With the limit lowered (sysctl), port 80 keeps its number.
  expect(
    serviceForwards(
      [svc("lb", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31000 }] }, "10.42.0.1")],
      "t",
      0,
    )[1]?.hostPort,
  ).toBe(80);
});

test("two Services wanting one host port: the older one keeps it", () => {
  const forwards = serviceForwards(
    [
      svc(
        "new",
        { type: "LoadBalancer", ports: [{ port: 8080, nodePort: 30001 }] },
        "10.42.0.1",
        "2026-01-02T00:00:00Z",
      ),
      svc(
        "old",
        { type: "LoadBalancer", ports: [{ port: 8080, nodePort: 30002 }] },
        "10.42.0.1",
        "2026-01-01T00:00:00Z",
      ),
    ],
    "10.0.2.100",
    1024,
  );
  expect(forwards.filter((f) => f.hostPort === 8080).map((f) => f.service)).toEqual(["default/old"]);
  expect(forwards).toHaveLength(3);
});

test("the port rule as said at start", () => {
  expect(hostPortFor(80, 1024)).toBe(10080);
  expect(hostPortFor(1024, 1024)).toBe(1024);
  expect(privilegedPortRule(1024)).toContain(
    "ports below 1024 (net.ipv4.ip_unprivileged_port_start) are forwarded at port+10000",
  );
  expect(privilegedPortRule(0)).toContain("every port is forwarded at its own number");
});
