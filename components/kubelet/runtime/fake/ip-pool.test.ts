import { describe, expect, test } from "bun:test";
import { createIpPool } from "./ip-pool.ts";

describe("createIpPool", () => {
  test("skips the network address and the gateway, never gives the broadcast address", () => {
    const pool = createIpPool("10.88.3.0/29");
    const ips = [1, 2, 3, 4, 5].map(() => pool.allocate());
    expect(ips).toEqual(["10.88.3.2", "10.88.3.3", "10.88.3.4", "10.88.3.5", "10.88.3.6"]);
    expect(() => pool.allocate()).toThrow("pod CIDR 10.88.3.0/29 has no free IP (5 in use)");
  });

  test("reuses released IPs; ignores IPs it did not give", () => {
    const pool = createIpPool("10.244.0.0/16");
    const first = pool.allocate();
    pool.allocate();
    pool.release("192.168.1.1");
    pool.release(first);
    expect(pool.allocate()).toBe(first);
    expect(pool.allocate()).toBe("10.244.0.4");
  });

  test("a host address in the CIDR counts from its network; /16 crosses octets", () => {
    const pool = createIpPool("10.244.7.9/16");
    expect(pool.allocate()).toBe("10.244.0.2");
    for (let i = 0; i < 253; i++) pool.allocate();
    expect(pool.allocate()).toBe("10.244.1.0");
  });

  test("claimed IPs (adopted pods) are never handed out; claims outside the CIDR are ignored", () => {
    const pool = createIpPool("10.88.3.0/29");
    pool.claim("10.88.3.3");
    pool.claim("10.88.3.5");
    pool.claim("10.88.4.2");
    pool.claim("10.88.3.0");
    expect([pool.allocate(), pool.allocate(), pool.allocate()]).toEqual([
      "10.88.3.2",
      "10.88.3.4",
      "10.88.3.6",
    ]);
    expect(() => pool.allocate()).toThrow("has no free IP (5 in use)");
    pool.release("10.88.3.3");
    expect(pool.allocate()).toBe("10.88.3.3");
  });

  test("rejects what is not an IPv4 CIDR", () => {
    for (const cidr of ["10.0.0.0", "10.0.0/8", "10.0.0.0/31", "fd00::/64", "10.0.0.256/24", "x/8"]) {
      expect(() => createIpPool(cidr)).toThrow(`invalid pod CIDR "${cidr}"`);
    }
  });
});
