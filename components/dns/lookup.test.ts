// Name lookup against plain Service and EndpointSlice objects: the Kubernetes DNS specification's
// records (A, SRV, PTR, pod A, ExternalName CNAME) and its NXDOMAIN / NODATA distinctions.

import { describe, expect, test } from "bun:test";
import type { Answer } from "dns-packet";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { ClusterRecords } from "./cluster-records.ts";
import { lookup, reverseAddress } from "./lookup.ts";

function dataOf(answer: Answer | undefined): unknown {
  return answer && "data" in answer ? answer.data : undefined;
}

function service(name: string, spec: Service["spec"], namespace = "default"): Service {
  return { metadata: { name, namespace }, spec };
}

function slice(
  serviceName: string,
  endpoints: EndpointSlice["endpoints"],
  ports: EndpointSlice["ports"] = [],
  namespace = "default",
): EndpointSlice {
  return {
    metadata: {
      name: `${serviceName}-abc`,
      namespace,
      labels: { "kubernetes.io/service-name": serviceName },
    },
    addressType: "IPv4",
    endpoints,
    ports,
  };
}

function records(): ClusterRecords {
  const r = new ClusterRecords("cluster.local");
  r.setService(
    service("web", {
      clusterIP: "10.96.0.20",
      ports: [
        { name: "http", port: 80, protocol: "TCP" },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
    }),
  );
  r.setSlice(slice("web", [{ addresses: ["10.244.0.5"] }], [{ name: "http", port: 8080, protocol: "TCP" }]));
  r.setService(service("db", { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] }));
  r.setSlice(
    slice(
      "db",
      [
        { addresses: ["10.244.0.7"], hostname: "db-0", conditions: { ready: true } },
        { addresses: ["10.244.0.8"], conditions: { ready: true } },
        { addresses: ["10.244.0.9"], hostname: "db-2", conditions: { ready: false } },
      ],
      [{ name: "pg", port: 5432, protocol: "TCP" }],
    ),
  );
  r.setService(service("empty", { clusterIP: "None" }));
  r.setService(service("ext", { type: "ExternalName", externalName: "example.org." }));
  return r;
}

const q = (name: string, type: "A" | "AAAA" | "SRV" | "PTR" | "TXT" | "SOA" | "CNAME" = "A") => ({
  name,
  type,
});

describe("lookup", () => {
  const r = records();

  test("a ClusterIP service is its ClusterIP; AAAA and TXT are NODATA", () => {
    expect(lookup(q("web.default.svc.cluster.local"), r)).toEqual({
      kind: "answer",
      answers: [{ type: "A", name: "web.default.svc.cluster.local", ttl: 5, data: "10.96.0.20" }],
      additionals: [],
    });
    expect(lookup(q("web.default.svc.cluster.local", "AAAA"), r).kind).toBe("nodata");
    expect(lookup(q("web.default.svc.cluster.local", "TXT"), r).kind).toBe("nodata");
  });

  test("a headless service is its ready endpoints; without any it does not exist", () => {
    const result = lookup(q("db.default.svc.cluster.local"), r);
    expect(result.kind === "answer" && result.answers.map(dataOf)).toEqual(["10.244.0.7", "10.244.0.8"]);
    expect(lookup(q("empty.default.svc.cluster.local"), r).kind).toBe("nxdomain");
  });

  test("endpoint names: hostname, else the dashed IP; not-ready endpoints have none", () => {
    const byHost = lookup(q("db-0.db.default.svc.cluster.local"), r);
    expect(byHost.kind === "answer" && dataOf(byHost.answers[0])).toBe("10.244.0.7");
    const byIp = lookup(q("10-244-0-8.db.default.svc.cluster.local"), r);
    expect(byIp.kind === "answer" && dataOf(byIp.answers[0])).toBe("10.244.0.8");
    expect(lookup(q("db-2.db.default.svc.cluster.local"), r).kind).toBe("nxdomain");
  });

  test("SRV for a named port: the service name for a ClusterIP, each endpoint for headless", () => {
    const web = lookup(q("_http._tcp.web.default.svc.cluster.local", "SRV"), r);
    expect(web).toEqual({
      kind: "answer",
      answers: [
        {
          type: "SRV",
          name: "_http._tcp.web.default.svc.cluster.local",
          ttl: 5,
          data: { priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" },
        },
      ],
      additionals: [{ type: "A", name: "web.default.svc.cluster.local", ttl: 5, data: "10.96.0.20" }],
    });
    const udp = lookup(q("_dns._udp.web.default.svc.cluster.local", "SRV"), r);
    expect(udp.kind === "answer" && udp.answers.length).toBe(1);
    expect(lookup(q("_dns._tcp.web.default.svc.cluster.local", "SRV"), r).kind).toBe("nxdomain");
    expect(lookup(q("_http._tcp.web.default.svc.cluster.local", "A"), r).kind).toBe("nodata");
    expect(lookup(q("_tcp.web.default.svc.cluster.local", "SRV"), r).kind).toBe("nodata");

    const db = lookup(q("_pg._tcp.db.default.svc.cluster.local", "SRV"), r);
    expect(db.kind).toBe("answer");
    if (db.kind !== "answer") return;
    expect(db.answers.map(dataOf)).toEqual([
      { priority: 0, weight: 50, port: 5432, target: "db-0.db.default.svc.cluster.local" },
      { priority: 0, weight: 50, port: 5432, target: "10-244-0-8.db.default.svc.cluster.local" },
    ]);
    expect(db.additionals.map((a) => [a.name, dataOf(a)])).toEqual([
      ["db-0.db.default.svc.cluster.local", "10.244.0.7"],
      ["10-244-0-8.db.default.svc.cluster.local", "10.244.0.8"],
    ]);
  });

  test("PTR: ClusterIPs name the service, endpoint IPs the endpoint; others go upstream", () => {
    const svc = lookup(q("20.0.96.10.in-addr.arpa", "PTR"), r);
    expect(svc.kind === "answer" && dataOf(svc.answers[0])).toBe("web.default.svc.cluster.local");
    const ep = lookup(q("7.0.244.10.in-addr.arpa", "PTR"), r);
    expect(ep.kind === "answer" && dataOf(ep.answers[0])).toBe("db-0.db.default.svc.cluster.local");
    const pod = lookup(q("5.0.244.10.in-addr.arpa", "PTR"), r);
    expect(pod.kind === "answer" && dataOf(pod.answers[0])).toBe("10-244-0-5.web.default.svc.cluster.local");
    expect(lookup(q("1.1.168.192.in-addr.arpa", "PTR"), r).kind).toBe("forward");
    expect(reverseAddress("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa")).toBe(
      "fd00::1",
    );
  });

  test("pods: <a-b-c-d>.<ns>.pod answers the address in the name", () => {
    const pod = lookup(q("10-244-1-3.default.pod.cluster.local"), r);
    expect(pod.kind === "answer" && dataOf(pod.answers[0])).toBe("10.244.1.3");
    expect(lookup(q("10-244-1-3.default.pod.cluster.local", "AAAA"), r).kind).toBe("nodata");
    expect(lookup(q("not-an-ip.default.pod.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("10-244-1-3.nowhere.pod.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("default.pod.cluster.local"), r).kind).toBe("nodata");
    expect(lookup(q("nowhere.pod.cluster.local"), r).kind).toBe("nxdomain");
  });

  test("ExternalName is a CNAME to the external name", () => {
    expect(lookup(q("ext.default.svc.cluster.local"), r)).toEqual({
      kind: "cname",
      answer: { type: "CNAME", name: "ext.default.svc.cluster.local", ttl: 5, data: "example.org" },
      target: "example.org",
    });
  });

  test("NXDOMAIN for missing names in the zone; NODATA for the zone's empty non-terminals", () => {
    expect(lookup(q("nope.default.svc.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("web.other.svc.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("other.svc.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("default.svc.cluster.local"), r).kind).toBe("nodata");
    expect(lookup(q("svc.cluster.local"), r).kind).toBe("nodata");
    expect(lookup(q("www.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("a.b.web.default.svc.cluster.local"), r).kind).toBe("nxdomain");
    expect(lookup(q("cluster.local", "SOA"), r).kind).toBe("answer");
    expect(lookup(q("cluster.local"), r).kind).toBe("nodata");
  });

  test("a namespace without services exists once the Namespace does", () => {
    const fresh = records();
    expect(lookup(q("quiet.svc.cluster.local"), fresh).kind).toBe("nxdomain");
    fresh.setNamespace("quiet");
    expect(lookup(q("quiet.svc.cluster.local"), fresh).kind).toBe("nodata");
    expect(lookup(q("web.quiet.svc.cluster.local"), fresh).kind).toBe("nxdomain");
    fresh.deleteNamespace("quiet");
    expect(lookup(q("quiet.svc.cluster.local"), fresh).kind).toBe("nxdomain");
  });

  test("dns-version is the specification's schema version", () => {
    const version = lookup(q("dns-version.cluster.local", "TXT"), r);
    expect(version.kind === "answer" && version.answers.map(dataOf)).toEqual(["1.1.0"]);
    expect(lookup(q("dns-version.cluster.local"), r).kind).toBe("nodata");
  });

  test("names outside the zone are forwarded", () => {
    expect(lookup(q("example.org"), r).kind).toBe("forward");
    expect(lookup(q("notcluster.local"), r).kind).toBe("forward");
  });

  test("deleting a service or slice removes its records", () => {
    const fresh = records();
    fresh.deleteService(service("web", {}));
    expect(lookup(q("web.default.svc.cluster.local"), fresh).kind).toBe("nxdomain");
    expect(lookup(q("20.0.96.10.in-addr.arpa", "PTR"), fresh).kind).toBe("forward");
    fresh.deleteSlice(slice("db", []));
    expect(lookup(q("db.default.svc.cluster.local"), fresh).kind).toBe("nxdomain");
  });
});
