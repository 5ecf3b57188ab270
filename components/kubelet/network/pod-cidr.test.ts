import { describe, expect, test } from "bun:test";
import { formatCidr, overlaps, parseCidr, parseIpv4, pickFreeCidr } from "./pod-cidr.ts";

describe("pod CIDR", () => {
  test("parses and formats IPv4 prefixes, clearing host bits", () => {
    expect(parseIpv4("10.88.3.1")).toBe(0x0a580301);
    expect(formatCidr(parseCidr("10.88.3.7/24"))).toBe("10.88.3.0/24");
    expect(() => parseCidr("10.88.300.0/24")).toThrow('"10.88.300.0" is not an IPv4 address');
    expect(() => parseCidr("10.88.3.0/33")).toThrow("not an IPv4 CIDR");
  });

  test("overlap", () => {
    expect(overlaps(parseCidr("10.88.0.0/16"), parseCidr("10.88.3.0/24"))).toBe(true);
    expect(overlaps(parseCidr("10.88.4.0/24"), parseCidr("10.88.3.0/24"))).toBe(false);
  });

  test("picks a stable free /24 per node name, skipping taken ranges", () => {
    const first = pickFreeCidr("kt-node1", []);
    expect(first).toMatch(/^10\.88\.\d+\.0\/24$/);
    expect(pickFreeCidr("kt-node1", [])).toBe(first);
    const next = pickFreeCidr("kt-node1", [parseCidr(first)]);
    expect(next).not.toBe(first);
    expect(() => pickFreeCidr("kt-node1", [parseCidr("10.0.0.0/8")])).toThrow(
      "no free /24 left in 10.88.0.0/16",
    );
  });
});
