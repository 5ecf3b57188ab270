// /etc/hosts and /etc/resolv.conf per pod: the pod's name on its IP, hostAliases, and the DNS
// policies (ClusterFirst with search domains and ndots:5, Default, None with dnsConfig).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { hostsFile, resolvConf } from "./etc-files.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-etc-"));
const hostResolvConf = join(dir, "resolv.conf");
writeFileSync(hostResolvConf, "nameserver 192.0.2.53\nsearch example.test\noptions edns0\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({
  metadata: { name: "web", namespace: "shop" },
  spec: { containers: [], ...spec },
});

test("hosts: the pod's name on its IP, subdomain FQDN, hostAliases", () => {
  expect(hostsFile(pod(), "10.88.0.5", "cluster.local")).toContain("10.88.0.5\tweb\n");
  const text = hostsFile(
    pod({ subdomain: "db", hostAliases: [{ ip: "10.1.1.1", hostnames: ["a", "b"] }] }),
    "10.88.0.5",
    "cluster.local",
  );
  expect(text).toContain("10.88.0.5\tweb.db.shop.svc.cluster.local\tweb\n");
  expect(text).toContain("10.1.1.1\ta\tb\n");
});

test("resolv.conf: ClusterFirst with a cluster DNS, Default and no cluster DNS use the host's", () => {
  const dns = { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf };
  expect(resolvConf(pod(), dns)).toBe(
    "search shop.svc.cluster.local svc.cluster.local cluster.local example.test\nnameserver 10.96.0.10\noptions ndots:5\n",
  );
  expect(resolvConf(pod({ dnsPolicy: "Default" }), dns)).toBe(
    "search example.test\nnameserver 192.0.2.53\noptions edns0\n",
  );
  expect(resolvConf(pod(), { ...dns, clusterDNS: [] })).toBe(
    "search example.test\nnameserver 192.0.2.53\noptions edns0\n",
  );
});

test("resolv.conf: dnsPolicy None takes only dnsConfig", () => {
  const dns = { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf };
  const text = resolvConf(
    pod({
      dnsPolicy: "None",
      dnsConfig: { nameservers: ["1.2.3.4"], searches: ["x.test"], options: [{ name: "ndots", value: "2" }] },
    }),
    dns,
  );
  expect(text).toBe("search x.test\nnameserver 1.2.3.4\noptions ndots:2\n");
});

test("resolv.conf: hostNetwork ClusterFirst is Default; ClusterFirstWithHostNet gets the cluster DNS", () => {
  const dns = { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf };
  expect(resolvConf(pod({ hostNetwork: true }), dns)).toBe(
    "search example.test\nnameserver 192.0.2.53\noptions edns0\n",
  );
  expect(resolvConf(pod({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }), dns)).toBe(
    "search shop.svc.cluster.local svc.cluster.local cluster.local example.test\nnameserver 10.96.0.10\noptions ndots:5\n",
  );
});

test("resolv.conf: the host file as upstream parses it (comments, last search/options line wins, trailing dots)", () => {
  const path = join(dir, "resolv-messy.conf");
  writeFileSync(
    path,
    "# nameserver 9.9.9.9\nnameserver 192.0.2.1\nsearch old.test\noptions rotate\nnameserver 192.0.2.2\nsearch a.test. cluster.local\noptions ndots:1 timeout:2\n",
  );
  expect(
    resolvConf(pod({ dnsPolicy: "Default" }), {
      clusterDNS: [],
      clusterDomain: "cluster.local",
      hostResolvConf: path,
    }),
  ).toBe(
    "search a.test cluster.local\nnameserver 192.0.2.1\nnameserver 192.0.2.2\noptions ndots:1 timeout:2\n",
  );
  // Cluster search domains come first and appear once.
  expect(
    resolvConf(pod(), { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf: path }),
  ).toBe(
    "search shop.svc.cluster.local svc.cluster.local cluster.local a.test\nnameserver 10.96.0.10\noptions ndots:5\n",
  );
});

test("resolv.conf: no host file (--resolv-conf '') means nameserver 127.0.0.1 and search '.'", () => {
  expect(
    resolvConf(pod({ dnsPolicy: "Default" }), {
      clusterDNS: [],
      clusterDomain: "cluster.local",
      hostResolvConf: "",
    }),
  ).toBe("search .\nnameserver 127.0.0.1\n");
});

test("resolv.conf: dnsConfig merges without duplicates, its options override by name", () => {
  const dns = { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf };
  const text = resolvConf(
    pod({
      dnsConfig: {
        nameservers: ["10.96.0.10", "1.1.1.1"],
        searches: ["svc.cluster.local", "extra.test"],
        options: [{ name: "ndots", value: "2" }, { name: "edns0" }, { name: "single-request", value: "" }],
      },
    }),
    dns,
  );
  expect(text).toBe(
    "search shop.svc.cluster.local svc.cluster.local cluster.local example.test extra.test\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0 single-request\n",
  );
});

test("resolv.conf: at most 3 nameservers and 32 search paths, none over 253 chars, the line within 2048", () => {
  const dns = { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf };
  const many = resolvConf(
    pod({
      dnsPolicy: "None",
      dnsConfig: {
        nameservers: ["1.0.0.1", "1.0.0.2", "1.0.0.3", "1.0.0.4"],
        searches: Array.from({ length: 40 }, (_, i) => `s${i}.test`),
      },
    }),
    dns,
  );
  expect(many.match(/^nameserver /gm)?.length).toBe(3);
  expect(many.split("\n")[0]?.split(" ").length).toBe(1 + 32);
  const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(20)}`;
  const wide = Array.from({ length: 20 }, (_, i) => `${"x".repeat(120)}${i}.test`);
  const limited = resolvConf(pod({ dnsPolicy: "None", dnsConfig: { searches: [long, ...wide] } }), dns);
  const line = limited.split("\n")[0] ?? "";
  expect(line).not.toContain(long);
  expect(line.length - "search ".length).toBeLessThanOrEqual(2048);
  expect(line.split(" ").length - 1).toBe(16);
});
