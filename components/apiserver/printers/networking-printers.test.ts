// Cases ported from upstream printers_test.go (TestPrintIngress, TestPrintIngressClass, TestPrintNetworkPolicy,
// TestPrintEndpointSlice).

import { expect, test } from "bun:test";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress } from "kubernetes-types/networking/v1";
import {
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
} from "./networking-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const justNow = new Date(now.getTime() + 1900).toISOString();

test("Ingress: CLASS, HOSTS, ADDRESS, PORTS", () => {
  const ing: Ingress = {
    metadata: { name: "test1", creationTimestamp: justNow },
    spec: {
      ingressClassName: "foo",
      defaultBackend: { service: { name: "default-backend", port: { name: "default-backend" } } },
    },
    status: { loadBalancer: { ingress: [{ ip: "2.3.4.5", hostname: "localhost.localdomain" }] } },
  };
  expect(ingressPrinter.print(ing, now).cells).toEqual(["test1", "foo", "*", "2.3.4.5", "80", "0s"]);
  const many: Ingress = {
    metadata: { name: "many" },
    spec: {
      tls: [{ hosts: ["a.example.com"] }],
      rules: [
        { host: "a.example.com" },
        {},
        { host: "b.example.com" },
        { host: "c.example.com" },
        { host: "d.example.com" },
      ],
    },
  };
  expect(ingressPrinter.print(many, now).cells).toEqual([
    "many",
    "<none>",
    "a.example.com,b.example.com,c.example.com + 2 more...",
    "",
    "80, 443",
    "<unknown>",
  ]);
});

test("IngressClass: PARAMETERS as kind.group/name", () => {
  const ic = (parameters?: { apiGroup?: string; kind: string; name: string }) =>
    ingressClassPrinter.print(
      {
        metadata: { name: "test1" },
        spec: { controller: "example.com/controller", ...(parameters ? { parameters } : {}) },
      },
      now,
    ).cells;
  expect(ic({ apiGroup: "example.com", kind: "customgroup", name: "example" })).toEqual([
    "test1",
    "example.com/controller",
    "customgroup.example.com/example",
    "<unknown>",
  ]);
  expect(ic({ kind: "customgroup", name: "example" })[2]).toBe("customgroup/example");
  expect(ic()[2]).toBe("<none>");
});

test("NetworkPolicy: POD-SELECTOR", () => {
  expect(
    networkPolicyPrinter.print(
      { metadata: { name: "np" }, spec: { podSelector: { matchLabels: { app: "db" } } } },
      now,
    ).cells,
  ).toEqual(["np", "app=db", "<unknown>"]);
  expect(
    networkPolicyPrinter.print({ metadata: { name: "all" }, spec: { podSelector: {} } }, now).cells[1],
  ).toBe("<none>");
});

test("EndpointSlice: ADDRESSTYPE, PORTS, ENDPOINTS with <unset> and '+ N more...'", () => {
  const eps = (ports: EndpointSlice["ports"], endpoints: EndpointSlice["endpoints"]): EndpointSlice => ({
    metadata: { name: "abcslice.123", creationTimestamp: justNow },
    addressType: "IPv4",
    ports,
    endpoints,
  });
  expect(
    endpointSlicePrinter.print(
      eps(
        [{ name: "http", port: 80, protocol: "TCP" }],
        [{ addresses: ["10.1.2.3", "2001:db8::1234:5678"] }],
      ),
      now,
    ).cells,
  ).toEqual(["abcslice.123", "IPv4", "80", "10.1.2.3,2001:db8::1234:5678", "0s"]);
  expect(
    endpointSlicePrinter
      .print(
        eps(
          [{ port: 80 }, { port: 443 }, { name: "named" }, {}],
          [{ addresses: ["10.1.2.3", "10.1.2.4"] }, { addresses: ["10.1.2.5", "10.1.2.6", "10.1.2.7"] }],
        ),
        now,
      )
      .cells.slice(2, 4),
  ).toEqual(["80,443,named + 1 more...", "10.1.2.3,10.1.2.4,10.1.2.5 + 2 more..."]);
  expect(endpointSlicePrinter.print(eps([], []), now).cells.slice(2, 4)).toEqual(["<unset>", "<unset>"]);
  expect(endpointSlicePrinter.print(eps([{}], []), now).cells[2]).toBe("*");
});
