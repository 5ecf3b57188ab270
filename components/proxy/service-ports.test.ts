// Unit tests of the service port table: named target ports resolved per slice, readiness,
// headless and ExternalName services, affinity defaults, node ports and load-balancer IPs.

import { describe, expect, test } from "bun:test";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { servicePorts } from "./service-ports.ts";

const service = (name: string, spec: Service["spec"], status?: Service["status"]): Service => ({
  metadata: { name, namespace: "default" },
  spec,
  status,
});

const slice = (svc: string, port: number, ips: [string, boolean, string][]): EndpointSlice => ({
  metadata: { name: `${svc}-${port}`, namespace: "default", labels: { "kubernetes.io/service-name": svc } },
  addressType: "IPv4",
  ports: [{ name: "http", port, protocol: "TCP" }],
  endpoints: ips.map(([ip, ready, nodeName]) => ({ addresses: [ip], conditions: { ready }, nodeName })),
});

describe("servicePorts", () => {
  test("each slice's resolved port; not-ready endpoints left out; local endpoints marked", () => {
    const [web] = servicePorts(
      [service("web", { clusterIP: "10.96.0.5", ports: [{ name: "http", port: 80, targetPort: "http" }] })],
      [
        slice("web", 8080, [["10.88.0.2", true, "n1"]]),
        slice("web", 9090, [
          ["10.88.0.3", true, "n2"],
          ["10.88.0.4", false, "n1"],
        ]),
      ],
      "n1",
    );
    expect(web?.endpoints).toEqual([
      { ip: "10.88.0.2", port: 8080, local: true },
      { ip: "10.88.0.3", port: 9090, local: false },
    ]);
    expect(web?.affinitySeconds).toBeUndefined();
    expect(web?.nodePort).toBe(0);
  });

  test("headless, ExternalName and SCTP get nothing", () => {
    const ports = servicePorts(
      [
        service("h", { clusterIP: "None", ports: [{ port: 80 }] }),
        service("x", { type: "ExternalName", externalName: "example.invalid" }),
        service("s", { clusterIP: "10.96.0.6", ports: [{ port: 80, protocol: "SCTP" }] }),
      ],
      [],
      "n1",
    );
    expect(ports).toEqual([]);
  });

  test("LoadBalancer: node port, ingress IPs, ClientIP affinity with upstream's default timeout", () => {
    const [lb] = servicePorts(
      [
        service(
          "lb",
          {
            type: "LoadBalancer",
            clusterIP: "10.96.0.7",
            sessionAffinity: "ClientIP",
            externalTrafficPolicy: "Local",
            ports: [{ name: "http", port: 80, nodePort: 30007, protocol: "UDP" }],
          },
          { loadBalancer: { ingress: [{ ip: "192.168.0.9" }] } },
        ),
      ],
      [],
      "n1",
    );
    expect(lb).toMatchObject({
      id: "default/lb/udp/80",
      protocol: "udp",
      nodePort: 30007,
      externalIPs: ["192.168.0.9"],
      affinitySeconds: 10800,
      externalLocal: true,
      endpoints: [],
    });
  });
});
