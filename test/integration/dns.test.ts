// Cluster DNS (`startDns`) over a real apiserver with the endpoints and endpointslice controllers
// and fake-runtime pods: service, headless, SRV, PTR, pod and ExternalName records; NXDOMAIN and
// NODATA; forwarding to a fake upstream on 127.0.0.1 (never the host's resolver) and SERVFAIL when
// it is silent; truncation and TCP; garbage packets; live updates; kube-dns self-registration.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Resolver } from "node:dns/promises";
import { encode, type RecordType } from "dns-packet";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointsController } from "../../components/controller-manager/endpoints/endpoints-controller.ts";
import { endpointSliceController } from "../../components/controller-manager/endpointslice/endpoint-slice-controller.ts";
import type { DnsListener } from "../../components/dns/dns-listener.ts";
import { type DnsServer, startDns } from "../../components/dns/dns-server.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import {
  askDns,
  answerData as data,
  decodeReply,
  queryPacket,
  sendTcp,
  sendUdp,
  startFakeUpstream,
  unusedDnsPort,
} from "../harness/dns-wire.ts";
import { kubectlBinary, kubectlFor } from "../harness/kubectl.ts";

let cp: ControlPlane;
let upstream: DnsListener;
let dns: DnsServer;
const upstreamQueries: string[] = [];
const NS = "/api/v1/namespaces/default";

const ask = (
  name: string,
  type: RecordType = "A",
  options: { transport?: "udp" | "tcp"; edns?: boolean } = {},
) => askDns(dns.port, name, type, options);

function pod(name: string, labels: Record<string, string>, extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: {
      containers: [{ name: "c", image: "hello", ports: [{ name: "pg", containerPort: 5432 }] }],
      ...extra,
    },
  };
}

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-dns-n1"],
    binder: true,
    controllers: [endpointsController, endpointSliceController],
  });
  upstream = await startFakeUpstream(upstreamQueries);
  await cp.client.create(`${NS}/services`, {
    metadata: { name: "kt-web" },
    spec: {
      clusterIP: "10.96.0.50",
      selector: { app: "kt-web" },
      ports: [
        { name: "http", port: 80, targetPort: 8080 },
        { name: "metrics", port: 9100, protocol: "UDP" },
      ],
    },
  });
  await cp.client.create(`${NS}/services`, {
    metadata: { name: "kt-db" },
    spec: {
      clusterIP: "None",
      selector: { app: "kt-db" },
      ports: [{ name: "pg", port: 5432, targetPort: "pg" }],
    },
  });
  for (const i of [0, 1])
    await cp.client.create(
      `${NS}/pods`,
      pod(`kt-db-${i}`, { app: "kt-db" }, { hostname: `db-${i}`, subdomain: "kt-db" }),
    );
  await cp.client.create(`${NS}/services`, {
    metadata: { name: "kt-ext" },
    spec: { type: "ExternalName", externalName: "www.kt-upstream.test" },
  });
  dns = await startDns({
    client: cp.client,
    bindAddress: "127.0.0.1",
    port: 0,
    clusterDomain: "cluster.local",
    upstream: [`127.0.0.1:${upstream.port}`],
    forwardTimeoutMs: 300,
    service: { clusterIP: "10.96.0.10", advertiseAddress: "127.0.0.1" },
    log: process.env.KT_DEBUG ? (line) => console.error(line) : () => {},
  });
  await dns.ready;
}, 60_000);

afterAll(async () => {
  await dns?.stop();
  await upstream?.close();
  await cp?.stop();
});

describe("cluster names", () => {
  test("a service's A record is its ClusterIP (TTL 5, authoritative), also through node's resolver", async () => {
    const reply = await ask("kt-web.default.svc.cluster.local");
    expect(reply.rcode).toBe("NOERROR");
    expect(reply.flag_aa).toBe(true);
    expect(reply.answers).toEqual([
      {
        type: "A",
        name: "kt-web.default.svc.cluster.local",
        ttl: 5,
        class: "IN",
        flush: false,
        data: "10.96.0.50",
      },
    ]);
    const resolver = new Resolver();
    resolver.setServers([`127.0.0.1:${dns.port}`]);
    expect(await resolver.resolve4("kt-web.default.svc.cluster.local")).toEqual(["10.96.0.50"]);
    expect(await resolver.reverse("10.96.0.50")).toEqual(["kt-web.default.svc.cluster.local"]);
  });

  test("a headless service is its ready pods, each by hostname, and SRV names them", async () => {
    const reply = await cp.until("both kt-db pods in DNS", async () => {
      const r = await ask("kt-db.default.svc.cluster.local");
      return r.answers?.length === 2 ? r : undefined;
    });
    const pods = await cp.client.list<{ items: Pod[] }>(`${NS}/pods`, { labelSelector: "app=kt-db" });
    const ips = pods.items.map((p) => p.status?.podIP).sort();
    expect(data(reply).sort()).toEqual(ips);
    const db0 = pods.items.find((p) => p.metadata?.name === "kt-db-0")?.status?.podIP;
    expect(data(await ask("db-0.kt-db.default.svc.cluster.local"))).toEqual([db0]);

    const srv = await ask("_pg._tcp.kt-db.default.svc.cluster.local", "SRV");
    expect(srv.rcode).toBe("NOERROR");
    expect(
      data(srv)
        .map((d) => (d as { target: string; port: number }).target)
        .sort(),
    ).toEqual(["db-0.kt-db.default.svc.cluster.local", "db-1.kt-db.default.svc.cluster.local"]);
    expect(data(srv).every((d) => (d as { port: number }).port === 5432)).toBe(true);
    expect((srv.additionals ?? []).map((a) => a.name).sort()).toEqual([
      "db-0.kt-db.default.svc.cluster.local",
      "db-1.kt-db.default.svc.cluster.local",
    ]);
    // PTR of a pod IP behind a service: the endpoint's name.
    const ptr = await ask(`${db0?.split(".").reverse().join(".")}.in-addr.arpa`, "PTR");
    expect(data(ptr)).toEqual(["db-0.kt-db.default.svc.cluster.local"]);
  });

  test("SRV of a ClusterIP service's named port targets the service; unknown ports are NXDOMAIN", async () => {
    const srv = await ask("_metrics._udp.kt-web.default.svc.cluster.local", "SRV");
    expect(data(srv)).toEqual([
      { priority: 0, weight: 100, port: 9100, target: "kt-web.default.svc.cluster.local" },
    ]);
    expect((await ask("_nope._tcp.kt-web.default.svc.cluster.local", "SRV")).rcode).toBe("NXDOMAIN");
  });

  test("pod A records come from the name; ExternalName is a CNAME chased upstream", async () => {
    expect(data(await ask("10-244-7-9.default.pod.cluster.local"))).toEqual(["10.244.7.9"]);
    const ext = await ask("kt-ext.default.svc.cluster.local");
    expect(ext.answers?.map((a) => [a.type, a.name, "data" in a ? a.data : undefined])).toEqual([
      ["CNAME", "kt-ext.default.svc.cluster.local", "www.kt-upstream.test"],
      ["A", "www.kt-upstream.test", "198.51.100.7"],
    ]);
  });

  test("NXDOMAIN for missing cluster names and NODATA for other types, both with the zone's SOA", async () => {
    const missing = await ask("kt-missing.default.svc.cluster.local");
    expect(missing.rcode).toBe("NXDOMAIN");
    expect(missing.answers).toEqual([]);
    expect(missing.authorities?.map((a) => [a.type, a.name, "ttl" in a ? a.ttl : undefined])).toEqual([
      ["SOA", "cluster.local", 5],
    ]);
    const soa = missing.authorities?.[0];
    expect(soa && "data" in soa ? soa.data : undefined).toMatchObject({
      mname: "ns.dns.cluster.local",
      rname: "hostmaster.cluster.local",
      minimum: 5,
    });
    const nodata = await ask("kt-web.default.svc.cluster.local", "AAAA");
    expect(nodata.rcode).toBe("NOERROR");
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities?.map((a) => a.type)).toEqual(["SOA"]);
    // The search-list expansions a pod tries first for an outside name never leave the server.
    const before = upstreamQueries.length;
    expect((await ask("example.com.default.svc.cluster.local")).rcode).toBe("NXDOMAIN");
    expect(upstreamQueries.length).toBe(before);
  });
});

describe("forwarding", () => {
  test("other names go to the upstream, over UDP and TCP; its NXDOMAIN passes through", async () => {
    const udp = await ask("www.kt-upstream.test");
    expect(data(udp)).toEqual(["198.51.100.7"]);
    expect(udp.flag_aa).toBe(false);
    const tcp = await ask("tcp.kt-upstream.test", "A", { transport: "tcp" });
    expect(data(tcp)).toEqual(["198.51.100.7"]);
    expect((await ask("nowhere.kt-other.test")).rcode).toBe("NXDOMAIN");
    expect(upstreamQueries).toContain("nowhere.kt-other.test");
    // Reverse names that are not the cluster's are the upstream's too.
    expect((await ask("1.2.0.192.in-addr.arpa", "PTR")).rcode).toBe("NXDOMAIN");
    expect(upstreamQueries).toContain("1.2.0.192.in-addr.arpa");
  });

  test("SERVFAIL when the upstream does not answer in time", async () => {
    const started = performance.now();
    const reply = await ask("silent.kt-upstream.test");
    expect(reply.rcode).toBe("SERVFAIL");
    expect(performance.now() - started).toBeLessThan(2000);
  });
  test("an upstream nobody listens on is SERVFAIL at once, not after the forward timeout", async () => {
    const deadPort = await unusedDnsPort();
    const lonely = await startDns({
      client: cp.client,
      bindAddress: "127.0.0.1",
      port: 0,
      clusterDomain: "cluster.local",
      upstream: [`127.0.0.1:${deadPort}`],
      // Longer than this test may run: only the ICMP "port unreachable" can end the wait.
      forwardTimeoutMs: 60_000,
      log: () => {},
    });
    try {
      await lonely.ready;
      const raw = await sendUdp(queryPacket("anything.kt-other.test", "A"), lonely.port);
      expect(raw && decodeReply(raw).rcode).toBe("SERVFAIL");
    } finally {
      await lonely.stop();
    }
  });

  test("an upstream that is the server itself is dropped, so queries do not loop", async () => {
    const port = await unusedDnsPort();
    const lines: string[] = [];
    const self = await startDns({
      client: cp.client,
      bindAddress: "127.0.0.1",
      port,
      clusterDomain: "cluster.local",
      upstream: [`127.0.0.1:${port}`],
      log: (line) => lines.push(line),
    });
    try {
      await self.ready;
      expect(lines).toContain(`dns: not forwarding to 127.0.0.1:${port}: that is this server`);
      const raw = await sendUdp(queryPacket("loop.kt-upstream.test", "A"), port);
      expect(raw && decodeReply(raw).rcode).toBe("SERVFAIL");
    } finally {
      await self.stop();
    }
  });
});

describe("transport", () => {
  test("over 512 bytes without EDNS the UDP answer is truncated; EDNS and TCP get all of it", async () => {
    await cp.client.create(`${NS}/services`, {
      metadata: { name: "kt-many" },
      spec: { clusterIP: "None", ports: [{ name: "x", port: 1 }] },
    });
    const endpoints = Array.from({ length: 20 }, (_, i) => ({ addresses: [`10.250.0.${i + 1}`] }));
    await cp.client.create("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", {
      metadata: { name: "kt-many-1", labels: { "kubernetes.io/service-name": "kt-many" } },
      addressType: "IPv4",
      endpoints,
      ports: [{ name: "x", port: 1 }],
    } satisfies EndpointSlice);
    await cp.until("kt-many in DNS", async () => {
      const r = await ask("kt-many.default.svc.cluster.local", "A", { transport: "tcp" });
      return r.answers?.length === 20 ? r : undefined;
    });
    const udp = await ask("kt-many.default.svc.cluster.local");
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    const edns = await ask("kt-many.default.svc.cluster.local", "A", { edns: true });
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers?.length).toBe(20);
    expect(edns.additionals?.some((a) => a.type === "OPT")).toBe(true);
  });

  test("garbage gets FORMERR or nothing, never a crash; TCP pipelines several queries", async () => {
    const junk = Buffer.from([
      0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    ]);
    const formerr = await sendUdp(junk, dns.port);
    expect(formerr && decodeReply(formerr).rcode).toBe("FORMERR");
    expect(formerr?.readUInt16BE(0)).toBe(0x1234);
    // Too short to be a message: ignored.
    expect(await sendUdp(Buffer.from([1, 2, 3]), dns.port, 300)).toBeUndefined();
    // A response (QR set) is never answered, so two servers cannot ping-pong.
    const response = Buffer.from(junk);
    response[2] = 0x81;
    expect(await sendUdp(response, dns.port, 300)).toBeUndefined();
    // Two questions in one message: FORMERR.
    const two = encode({
      type: "query",
      id: 7,
      questions: [
        { type: "A", name: "a.cluster.local" },
        { type: "A", name: "b.cluster.local" },
      ],
    });
    expect(decodeReply((await sendUdp(two, dns.port)) ?? Buffer.alloc(0)).rcode).toBe("FORMERR");
    const replies = await sendTcp(
      [
        junk,
        queryPacket("kt-web.default.svc.cluster.local", "A"),
        queryPacket("kt-db.default.svc.cluster.local", "A"),
      ],
      dns.port,
    );
    expect(replies.map((r) => decodeReply(r).rcode)).toEqual(["FORMERR", "NOERROR", "NOERROR"]);
    expect(data(await ask("kt-web.default.svc.cluster.local"))).toEqual(["10.96.0.50"]);
  });
});

describe("updates", () => {
  test("a new service resolves and a deleted one stops resolving", async () => {
    await cp.client.create(`${NS}/services`, {
      metadata: { name: "kt-late" },
      spec: { clusterIP: "10.96.0.77", ports: [{ port: 80 }] },
    });
    await cp.until("kt-late resolves", async () => {
      const r = await ask("kt-late.default.svc.cluster.local");
      return r.answers?.length ? r : undefined;
    });
    await cp.client.delete(`${NS}/services/kt-late`);
    await cp.until("kt-late is NXDOMAIN", async () =>
      (await ask("kt-late.default.svc.cluster.local")).rcode === "NXDOMAIN" ? true : undefined,
    );
  });
});

describe("self-registration", () => {
  const base = "/api/v1/namespaces/kube-system";
  const slices = "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices";

  test("Service, Endpoints and EndpointSlice kube-system/kube-dns point at the server", async () => {
    const service = await cp.client.get<Service>(`${base}/services/kube-dns`);
    expect(service.spec?.clusterIP).toBe("10.96.0.10");
    expect(service.metadata?.labels).toMatchObject({
      "k8s-app": "kube-dns",
      "kubernetes.io/cluster-service": "true",
      "kubernetes.io/name": "CoreDNS",
    });
    expect(service.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort])).toEqual([
      ["dns", 53, "UDP", dns.port],
      ["dns-tcp", 53, "TCP", dns.port],
    ]);
    // The controllers leave a selector-less service's objects alone: let them process a newer
    // service, then ours are still as written.
    await cp.client.create(`${NS}/services`, {
      metadata: { name: "kt-marker" },
      spec: { selector: { app: "kt-marker" }, ports: [{ port: 80 }] },
    });
    await cp.until("the controllers handled kt-marker", async () => {
      const list = await cp.client.list<{ items: EndpointSlice[] }>(
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
        { labelSelector: "kubernetes.io/service-name=kt-marker" },
      );
      await cp.client.get<Endpoints>(`${NS}/endpoints/kt-marker`);
      return list.items.length ? true : undefined;
    });
    const endpoints = await cp.client.get<Endpoints>(`${base}/endpoints/kube-dns`);
    expect(endpoints.subsets).toEqual([
      {
        addresses: [{ ip: "127.0.0.1" }],
        ports: [
          { name: "dns", port: dns.port, protocol: "UDP" },
          { name: "dns-tcp", port: dns.port, protocol: "TCP" },
        ],
      },
    ]);
    const list = await cp.client.list<{ items: EndpointSlice[] }>(slices, {
      labelSelector: "kubernetes.io/service-name=kube-dns",
    });
    expect(
      list.items.map((s) => [
        s.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"],
        s.endpoints?.[0]?.addresses,
      ]),
    ).toEqual([["kube-dns.kube", ["127.0.0.1"]]]);
    expect(data(await ask("kube-dns.kube-system.svc.cluster.local"))).toEqual(["10.96.0.10"]);
  });

  test("kubectl cluster-info lists it", async () => {
    if (!kubectlBinary()) return;
    const kubectl = kubectlFor(cp.url);
    try {
      const result = await kubectl(["cluster-info"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `CoreDNS is running at ${cp.url}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`,
      );
    } finally {
      kubectl.cleanup();
    }
  });

  test("a deleted kube-dns Service comes back", async () => {
    await cp.client.delete(`${base}/services/kube-dns`);
    await cp.until("kube-dns re-registered", async () => {
      const s = await cp.client.get<Service>(`${base}/services/kube-dns`);
      const e = await cp.client.get<Endpoints>(`${base}/endpoints/kube-dns`);
      return s.spec?.clusterIP === "10.96.0.10" && e.subsets?.length ? true : undefined;
    });
  });

  test("stopping removes the Endpoints and EndpointSlice; the Service stays", async () => {
    await dns.stop();
    expect((await cp.client.get<Service>(`${base}/services/kube-dns`)).spec?.clusterIP).toBe("10.96.0.10");
    for (const path of [`${base}/endpoints/kube-dns`, `${slices}/kube-dns`]) {
      try {
        await cp.client.get(path);
        throw new Error(`${path} still exists`);
      } catch (error) {
        expect((error as Error).message).toContain("not found");
      }
    }
  });
});
