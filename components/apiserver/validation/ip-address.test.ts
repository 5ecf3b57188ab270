import { expect, test } from "bun:test";
import { ipAddress, ipFamily } from "./ip-address.ts";

test("IP addresses", () => {
  expect(ipFamily("10.96.0.1")).toBe("IPv4");
  expect(ipFamily("fd00::1")).toBe("IPv6");
  expect(ipFamily("010.0.0.1")).toBeUndefined();
  expect(ipFamily("None")).toBeUndefined();
  expect(ipAddress("ip", "1.2.3")[0]?.message).toBe(
    'Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  );
});
