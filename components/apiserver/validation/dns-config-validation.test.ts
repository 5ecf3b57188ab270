import { expect, test } from "bun:test";
import { validateDnsConfig } from "./dns-config-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("dns config", () => {
  expect(validateDnsConfig("d", undefined, "ClusterFirst")).toEqual([]);
  expect(lines(validateDnsConfig("d", undefined, "None"))).toEqual([
    "d: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
  ]);
  expect(lines(validateDnsConfig("d", { searches: [] }, "None"))).toEqual([
    "d.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None",
  ]);
  expect(
    lines(
      validateDnsConfig("d", { nameservers: ["1.1.1.1", "x", "8.8.8.8", "9.9.9.9"], options: [{}] }, "None"),
    ),
  ).toEqual([
    'd.nameservers: Invalid value: []string{"1.1.1.1", "x", "8.8.8.8", "9.9.9.9"}: must not have more than 3 nameservers',
    'd.nameservers[1]: Invalid value: "x": must be valid IP address',
    "d.options[0].name: Required value",
  ]);
});
