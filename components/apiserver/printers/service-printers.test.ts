// Cases ported from upstream printers_test.go (TestPrintService, formatEndpoints behaviour).

import { expect, test } from "bun:test";
import type { Endpoints, Service } from "kubernetes-types/core/v1";
import { endpointsPrinter, servicePrinter } from "./service-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const cells = (svc: Service) => servicePrinter.print(svc, now).cells;
const svc = (name: string, spec: Service["spec"], status?: Service["status"]): Service => ({
  metadata: { name },
  spec,
  ...(status ? { status } : {}),
});

test("TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) per service type", () => {
  expect(
    cells(
      svc("test1", { type: "ClusterIP", clusterIPs: ["10.9.8.7"], ports: [{ protocol: "tcp", port: 2233 }] }),
    ),
  ).toEqual(["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>", "<none>"]);
  expect(
    cells(
      svc("test2", {
        type: "NodePort",
        clusterIPs: ["10.9.8.7"],
        ports: [{ protocol: "tcp", port: 8888, nodePort: 9999 }],
      }),
    ).slice(1, 5),
  ).toEqual(["NodePort", "10.9.8.7", "<none>", "8888:9999/tcp"]);
  expect(
    cells(
      svc("test3", {
        type: "LoadBalancer",
        clusterIPs: ["10.9.8.7"],
        ports: [{ protocol: "tcp", port: 8888 }],
      }),
    )[3],
  ).toBe("<pending>");
  expect(
    cells(svc("test4", { type: "LoadBalancer", clusterIPs: ["10.9.8.7"], externalIPs: ["80.11.12.10"] }))[3],
  ).toBe("80.11.12.10");
  expect(
    cells(
      svc(
        "test5",
        { type: "LoadBalancer", externalIPs: ["80.11.12.10"] },
        { loadBalancer: { ingress: [{ ip: "3.4.5.6", hostname: "test.cluster.com" }] } },
      ),
    )[3],
  ).toBe("3.4.5.6,80.11.12.10");
  expect(
    cells(
      svc(
        "test6",
        { type: "LoadBalancer", externalIPs: ["80.11.12.10", "80.11.12.11"] },
        {
          loadBalancer: {
            ingress: [
              { ip: "3.4.5.6", hostname: "test.cluster.com" },
              { ip: "2.3.4.5", hostname: "test.cluster.local" },
            ],
          },
        },
      ),
    )[3],
  ).toBe("2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11");
  expect(
    cells(
      svc(
        "lb",
        { type: "LoadBalancer" },
        { loadBalancer: { ingress: [{ hostname: "a-very-long-hostname.example.com" }] } },
      ),
    )[3],
  ).toBe("a-very-long-hostname.example.com");
  expect(cells(svc("test7", { type: "ExternalName", externalName: "my.database.example.com" }))).toEqual([
    "test7",
    "ExternalName",
    "<none>",
    "my.database.example.com",
    "<none>",
    "<unknown>",
    "<none>",
  ]);
  expect(cells(svc("odd", {}))[3]).toBe("<unknown>");
});

test("kubernetes service as kubectl shows it, with selector and multiple ports", () => {
  const s: Service = {
    metadata: { name: "web", creationTimestamp: "2024-06-01T11:56:40Z" },
    spec: {
      type: "NodePort",
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      selector: { tier: "web", app: "hello" },
      ports: [
        { name: "http", port: 80, nodePort: 30080, protocol: "TCP" },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
    },
  };
  expect(cells(s)).toEqual([
    "web",
    "NodePort",
    "10.96.0.10",
    "<none>",
    "80:30080/TCP,53/UDP",
    "3m20s",
    "app=hello,tier=web",
  ]);
  // clusterIP alone (clusterIPs not yet defaulted) and a headless service
  expect(cells(svc("legacy", { type: "ClusterIP", clusterIP: "10.96.0.1" }))[2]).toBe("10.96.0.1");
  expect(cells(svc("headless", { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] }))[2]).toBe(
    "None",
  );
});

test("ENDPOINTS: ip:port pairs, port-less subsets, IPv6, and '+ N more...'", () => {
  const ep = (subsets: Endpoints["subsets"]): Endpoints => ({ metadata: { name: "e" }, subsets });
  const row = (e: Endpoints) => endpointsPrinter.print(e, now).cells[1];
  expect(row(ep([]))).toBe("<none>");
  expect(row(ep([{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }]))).toBe("10.0.0.1:80");
  expect(row(ep([{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }] }]))).toBe("10.0.0.1,10.0.0.2");
  expect(row(ep([{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 443 }] }]))).toBe("[fd00::1]:443");
  expect(
    row(
      ep([
        {
          addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "10.0.0.3" }],
          ports: [{ port: 80 }, { port: 443 }],
        },
      ]),
    ),
  ).toBe("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more...");
});
