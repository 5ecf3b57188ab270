// Unit tests of IPv4 addresses and CIDRs, good and bad input.
import { expect, test } from "bun:test";
import {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  nthAddress,
  parseCidr,
  parseIpv4,
} from "./ipv4.ts";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

test("addresses round-trip; anything but four octets 0-255 is rejected", () => {
  expect(parseIpv4("10.0.0.1")).toBe(0x0a000001);
  expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
  expect(formatIpv4(2 ** 32 - 1)).toBe("255.255.255.255");
  expect(formatIpv4(parseIpv4("192.168.1.20") ?? 0)).toBe("192.168.1.20");
  for (const bad of [
    "",
    "10.0.0",
    "10.0.0.1.2",
    "10.0.0.256",
    "10.0.0.-1",
    "a.b.c.d",
    "10.0.0.1/8",
    " 10.0.0.1",
    "1e1.0.0.1",
    "1000.0.0.1",
  ])
    expect([bad, parseIpv4(bad)]).toEqual([bad, undefined]);
});

test("CIDRs clear host bits and reject malformed prefixes", () => {
  expect(parseCidr("10.42.3.4/16")).toEqual({ network: parseIpv4("10.42.0.0") as number, bits: 16 });
  expect(formatCidr(cidr("10.96.0.0/12"))).toBe("10.96.0.0/12");
  expect(parseCidr("0.0.0.0/0")).toEqual({ network: 0, bits: 0 });
  expect(cidrSize(cidr("10.0.0.0/24"))).toBe(256);
  for (const bad of [
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/8/8",
    "10.0.0/8",
    "10.0.0.0/ 8",
    "fd00::/64",
  ])
    expect([bad, parseCidr(bad)]).toEqual([bad, undefined]);
});

test("containment, overlap and the n-th address", () => {
  const svc = cidr("10.96.0.0/12");
  expect(nthAddress(svc, 1)).toBe("10.96.0.1");
  expect(nthAddress(svc, 10)).toBe("10.96.0.10");
  expect(nthAddress(cidr("10.0.0.0/30"), 4)).toBeUndefined();
  expect(nthAddress(svc, -1)).toBeUndefined();
  expect(cidrContains(svc, parseIpv4("10.111.255.255") as number)).toBe(true);
  expect(cidrContains(svc, parseIpv4("10.112.0.0") as number)).toBe(false);
  expect(cidrsOverlap(cidr("10.88.0.0/16"), cidr("10.88.3.0/24"))).toBe(true);
  expect(cidrsOverlap(cidr("10.88.0.0/24"), cidr("10.88.1.0/24"))).toBe(false);
});
