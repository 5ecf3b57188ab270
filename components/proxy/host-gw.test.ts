// host-gw's route set from Node objects, and its sync through a recorded `ip`.
import { expect, test } from "bun:test";
import type { Node } from "kubernetes-types/core/v1";
import { hostGwRoutes } from "./host-gw.ts";

const node = (name: string, ip: string | undefined, podCIDR?: string): Node => ({
  metadata: { name },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
  status: ip ? { addresses: [{ type: "InternalIP", address: ip }] } : {},
});

test("every other node's pod CIDR goes via its InternalIP; our own and incomplete nodes are skipped", () => {
  const routes = hostGwRoutes(
    [
      node("a", "10.201.0.11", "10.214.1.0/24"),
      node("b", "10.201.0.12", "10.214.2.0/24"),
      node("c", undefined, "10.214.3.0/24"), // no address yet
      node("d", "10.201.0.14"), // no CIDR yet
      node("e", "10.201.0.11", "10.214.5.0/24"), // claims our address: never route to ourselves
    ],
    "a",
  );
  expect([...routes]).toEqual([["10.214.2.0/24", "10.201.0.12"]]);
});

test("a CIDR written loosely is routed by its network address; IPv6 and garbage are ignored", () => {
  const routes = hostGwRoutes(
    [
      node("a", "10.201.0.11", "10.214.1.0/24"),
      { ...node("b", "10.201.0.12"), spec: { podCIDRs: ["10.214.2.0/24", "fd00::/64"] } },
      node("c", "10.201.0.13", "not-a-cidr"),
    ],
    "a",
  );
  expect([...routes]).toEqual([["10.214.2.0/24", "10.201.0.12"]]);
});
