// kube server's node names (--nodes, --node-name) and the service-range arithmetic that places
// kube-dns at the 10th address.

import { expect, test } from "bun:test";
import { nthAddress, parseCidr } from "./flag-values.ts";
import { nodeNames } from "./server-cluster.ts";

test("one node keeps its name; several count from 1, after a dash when the base ends in a digit", () => {
  expect(nodeNames("vm", 1)).toEqual(["vm"]);
  expect(nodeNames("node", 3)).toEqual(["node1", "node2", "node3"]);
  expect(nodeNames("kt7", 2)).toEqual(["kt7-1", "kt7-2"]);
});

test("the n-th address of a range, from its network address; bad ranges are usage errors", () => {
  expect(nthAddress("service-cluster-ip-range", "10.96.0.0/12", 10)).toBe("10.96.0.10");
  expect(nthAddress("service-cluster-ip-range", "10.100.7.9/16", 10)).toBe("10.100.0.10");
  expect(() => nthAddress("service-cluster-ip-range", "10.0.0.0/30", 10)).toThrow(/too small/);
  expect(() => parseCidr("cluster-cidr", "10.300.0.0/16")).toThrow(/want an IPv4 CIDR/);
});
