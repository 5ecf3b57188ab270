// The bridge's pinned MAC: derived from the gateway, locally administered, bad input refused.

import { expect, test } from "bun:test";
import { bridgeMac, bridgeName } from "./bridge.ts";

test("the MAC is 0a:58 and the gateway's octets in hex, with or without the prefix length", () => {
  expect(bridgeMac("10.88.3.1/24")).toBe("0a:58:0a:58:03:01");
  expect(bridgeMac("10.244.255.1")).toBe("0a:58:0a:f4:ff:01");
  // 0x0a: unicast, locally administered (bits 0 and 1 of the first octet).
  expect(Number.parseInt(bridgeMac("192.168.0.1/16").slice(0, 2), 16) & 0b11).toBe(0b10);
});

test("a gateway that is not an IPv4 address is refused", () => {
  for (const bad of ["", "10.88.3/24", "10.88.3.256/24", "a.b.c.d", "10.88.3.1.5"]) {
    expect(() => bridgeMac(bad)).toThrow(`bad gateway address "${bad}"`);
  }
});

test("bridge names stay within IFNAMSIZ and differ per node", () => {
  expect(bridgeName("kt-node")).toMatch(/^kb[0-9a-f]{8}$/);
  expect(bridgeName("kt-node")).not.toBe(bridgeName("kt-node2"));
});
