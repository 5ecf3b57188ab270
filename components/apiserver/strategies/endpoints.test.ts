import { describe, expect, test } from "bun:test";
import { endpointSliceStrategy, endpointsStrategy } from "./endpoints.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("endpoints", () => {
  test("port protocol defaults and address validation", () => {
    const obj = created(endpointsStrategy, {
      metadata: { name: "k" },
      subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 6443 }] }],
    });
    expect(obj.subsets).toEqual([
      { addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 6443, protocol: "TCP" }] },
    ]);
    expect(endpointsStrategy.validate?.(obj)).toEqual([]);
    expect(
      createErrors(endpointsStrategy, { subsets: [{ addresses: [{ ip: "bad" }], ports: [{ port: 0 }] }] }),
    ).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
    ]);
  });

  test("endpoint slices", () => {
    const obj = created(endpointSliceStrategy, {
      metadata: { name: "s" },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.0.0.1"] }],
      ports: [{ port: 80 }],
    });
    expect(obj.ports).toEqual([{ port: 80, name: "", protocol: "TCP" }]);
    expect(endpointSliceStrategy.validate?.(obj)).toEqual([]);
    expect(
      createErrors(endpointSliceStrategy, {
        addressType: "IPv4",
        endpoints: [{ addresses: ["::1"] }, { addresses: [] }],
      }),
    ).toEqual([
      'endpoints[0].addresses[0]: Invalid value: "::1": must be an IPv4 address',
      "endpoints[1].addresses: Required value: must contain at least 1 address",
    ]);
    const next = structuredClone(obj);
    next.addressType = "IPv6";
    next.endpoints = [];
    expect(updateErrors(endpointSliceStrategy, next, obj, false)).toEqual([
      'addressType: Invalid value: "IPv6": field is immutable',
    ]);
  });
});

test("endpoints addresses are sorted by IP as upstream repacks them", () => {
  const obj = created(endpointsStrategy, {
    subsets: [
      { addresses: [{ ip: "10.0.0.9" }, { ip: "10.0.0.10" }, { ip: "10.0.0.1" }], ports: [{ port: 80 }] },
    ],
  });
  expect((obj.subsets as { addresses: { ip: string }[] }[])[0]?.addresses.map((a) => a.ip)).toEqual([
    "10.0.0.1",
    "10.0.0.10",
    "10.0.0.9",
  ]);
});
