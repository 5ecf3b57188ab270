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
