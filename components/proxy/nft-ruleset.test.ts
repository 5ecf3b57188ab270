// Unit tests of the nftables rule renderer: VIP and node port maps, balancing, affinity,
// externalTrafficPolicy Local, rejects, and the incremental transaction deleting stale chains.

import { describe, expect, test } from "bun:test";
import { renderRuleset } from "./nft-ruleset.ts";
import type { ServicePort } from "./service-ports.ts";

const port = (overrides: Partial<ServicePort>): ServicePort => ({
  id: "default/web/tcp/80",
  display: "default/web",
  protocol: "tcp",
  clusterIP: "10.96.0.10",
  port: 80,
  nodePort: 0,
  externalIPs: [],
  affinitySeconds: undefined,
  externalLocal: false,
  endpoints: [
    { ip: "10.88.0.2", port: 8080, local: true },
    { ip: "10.88.1.2", port: 8081, local: false },
  ],
  ...overrides,
});

const lines = (text: string) => text.split("\n");

describe("renderRuleset", () => {
  test("a first sync replaces the whole table in one transaction", () => {
    const { text } = renderRuleset({ table: "kt-t", ports: [port({})] });
    expect(lines(text).slice(0, 3)).toEqual([
      "add table ip kt-t",
      "delete table ip kt-t",
      "add table ip kt-t",
    ]);
    expect(text).toContain(
      "add rule ip kt-t services ip daddr . meta l4proto . th dport vmap { 10.96.0.10 . tcp . 80 : goto svc-default/web/tcp/80 }",
    );
    expect(text).toContain(
      "add rule ip kt-t svc-default/web/tcp/80 numgen random mod 2 vmap { 0 : goto ep-default/web/tcp/80__10.88.0.2/8080, 1 : goto ep-default/web/tcp/80__10.88.1.2/8081 }",
    );
    expect(text).toContain(
      "add rule ip kt-t ep-default/web/tcp/80__10.88.1.2/8081 meta l4proto tcp dnat to 10.88.1.2:8081",
    );
    expect(text).toContain(
      "add rule ip kt-t svc-default/web/tcp/80 fib saddr type != local jump mark-for-masquerade",
    );
    expect(text).toContain("add rule ip kt-t masquerading masquerade fully-random");
  });

  test("ClientIP affinity: a timed set per endpoint, checked before the random choice", () => {
    const { text, contents } = renderRuleset({ table: "t", ports: [port({ affinitySeconds: 60 })] });
    expect([...contents.sets.keys()]).toEqual([
      "aff-default/web/tcp/80__10.88.0.2/8080",
      "aff-default/web/tcp/80__10.88.1.2/8081",
    ]);
    const svc = lines(text).filter((l) => l.startsWith("add rule ip t svc-"));
    expect(svc[1]).toBe(
      "add rule ip t svc-default/web/tcp/80 ip saddr @aff-default/web/tcp/80__10.88.0.2/8080 goto ep-default/web/tcp/80__10.88.0.2/8080",
    );
    expect(svc[3]).toContain("numgen random mod 2");
    expect(text).toContain("update @aff-default/web/tcp/80__10.88.0.2/8080 { ip saddr timeout 60s }");
  });

  test("node ports and load-balancer IPs; Local policy balances over local endpoints only", () => {
    const { text } = renderRuleset({
      table: "t",
      ports: [port({ nodePort: 30080, externalIPs: ["192.168.5.1"], externalLocal: true })],
      nodePortAddresses: ["192.168.5.1"],
    });
    expect(text).toContain(
      "add rule ip t services ip daddr { 192.168.5.1 } meta l4proto . th dport vmap { tcp . 30080 : goto ext-default/web/tcp/80 }",
    );
    expect(text).toContain("192.168.5.1 . tcp . 80 : goto ext-default/web/tcp/80");
    expect(text).toContain(
      "add rule ip t ext-default/web/tcp/80 numgen random mod 1 vmap { 0 : goto ep-default/web/tcp/80__10.88.0.2/8080 }",
    );
  });

  test("Local policy without a local endpoint drops external traffic; the cluster IP still balances", () => {
    const { text } = renderRuleset({
      table: "t",
      ports: [
        port({
          nodePort: 30080,
          externalLocal: true,
          endpoints: [{ ip: "10.88.1.2", port: 80, local: false }],
        }),
      ],
    });
    expect(text).toContain("vmap { tcp . 30080 : drop }");
    expect(text).toContain("10.96.0.10 . tcp . 80 : goto svc-default/web/tcp/80");
  });

  test("no endpoints: rejected; unallocated cluster IPs in the range rejected; UDP DNAT", () => {
    const { text } = renderRuleset({
      table: "t",
      serviceCIDR: "10.96.0.0/16",
      ports: [
        port({ endpoints: [], nodePort: 30001 }),
        port({ id: "default/dns/udp/53", protocol: "udp", clusterIP: "10.96.0.53", port: 53 }),
      ],
    });
    expect(text).toContain(
      "add rule ip t service-endpoints-check ip daddr . meta l4proto . th dport vmap { 10.96.0.10 . tcp . 80 : goto reject-chain }",
    );
    expect(text).toContain("vmap { tcp . 30001 : goto reject-chain }");
    expect(text).toContain("add rule ip t cluster-ips-check ip daddr 10.96.0.0/16 reject");
    expect(text).toContain("meta l4proto udp dnat to 10.88.0.2:8080");
    expect(text).not.toContain("chain ip t svc-default/web/tcp/80");
  });

  test("an incremental sync touches only what changed, keeps affinity sets, deletes what is gone", () => {
    const other = port({ id: "default/other/tcp/80", clusterIP: "10.96.0.11" });
    const first = renderRuleset({ table: "t", ports: [port({ affinitySeconds: 60 }), other] });
    const next = renderRuleset(
      {
        table: "t",
        ports: [
          port({ affinitySeconds: 60, endpoints: [{ ip: "10.88.0.2", port: 8080, local: true }] }),
          other,
        ],
      },
      first.contents,
    );
    const text = lines(next.text);
    expect(text).not.toContain("delete table ip t");
    expect(text).not.toContain("flush table ip t");
    expect(text).toContain("flush chain ip t svc-default/web/tcp/80");
    expect(next.text).not.toContain("other");
    expect(next.text).not.toContain("services");
    expect(text).toContain("delete chain ip t ep-default/web/tcp/80__10.88.1.2/8081");
    expect(text).toContain("delete set ip t aff-default/web/tcp/80__10.88.1.2/8081");
    expect(text).not.toContain("delete set ip t aff-default/web/tcp/80__10.88.0.2/8080");
    // The stale chain is emptied, and the chain that jumped to it rewritten, before it is deleted.
    const deleted = text.indexOf("delete chain ip t ep-default/web/tcp/80__10.88.1.2/8081");
    expect(text.indexOf("flush chain ip t ep-default/web/tcp/80__10.88.1.2/8081")).toBeLessThan(deleted);
    expect(text.findLastIndex((l) => l.startsWith("add rule"))).toBeLessThan(deleted);
    // Nothing changed: nothing but the idempotent `add table`.
    expect(
      renderRuleset({ table: "t", ports: [other] }, renderRuleset({ table: "t", ports: [other] }).contents)
        .text,
    ).toBe("add table ip t\n");
  });

  test("two services claiming one IP and port: the first keeps it (nft rejects duplicate keys)", () => {
    const { text } = renderRuleset({
      table: "t",
      ports: [port({ externalIPs: ["10.96.0.10"] })],
    });
    expect(text.match(/10\.96\.0\.10 \. tcp \. 80 :/g)?.length).toBe(1);
  });
});
