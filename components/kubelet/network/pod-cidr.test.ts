import { describe, expect, test } from "bun:test";
import { requireCidr } from "../../../lib/net/ipv4.ts";
import { pickFreeCidr } from "./pod-cidr.ts";

describe("pod CIDR", () => {
  test("picks a stable free /24 per node name, skipping taken ranges", () => {
    const first = pickFreeCidr("kt-node1", []);
    expect(first).toMatch(/^10\.88\.\d+\.0\/24$/);
    expect(pickFreeCidr("kt-node1", [])).toBe(first);
    const next = pickFreeCidr("kt-node1", [requireCidr(first)]);
    expect(next).not.toBe(first);
    expect(() => pickFreeCidr("kt-node1", [requireCidr("10.0.0.0/8")])).toThrow(
      "no free /24 left in 10.88.0.0/16",
    );
  });
});
