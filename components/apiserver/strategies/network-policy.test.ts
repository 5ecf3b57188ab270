import { describe, expect, test } from "bun:test";
import { networkPolicyStrategy } from "./network-policy.ts";
import { created, createErrors } from "./strategy-harness.ts";

describe("networkpolicy", () => {
  test("policyTypes and port protocol defaults", () => {
    const ingressOnly = created(networkPolicyStrategy, {
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] },
    });
    expect(ingressOnly.spec).toEqual({
      podSelector: {},
      ingress: [{ ports: [{ port: 80, protocol: "TCP" }] }],
      policyTypes: ["Ingress"],
    });
    const both = created(networkPolicyStrategy, { spec: { podSelector: {}, egress: [{}] } });
    expect((both.spec as Record<string, unknown>).policyTypes).toEqual(["Ingress", "Egress"]);
    expect(networkPolicyStrategy.validate?.(both)).toEqual([]);
  });

  test("peers, ports and CIDRs", () => {
    expect(
      createErrors(networkPolicyStrategy, {
        spec: {
          podSelector: {},
          ingress: [{ from: [{}, { ipBlock: { cidr: "10.0.0.0/40" } }], ports: [{ port: 80, endPort: 70 }] }],
          policyTypes: ["Sideways"],
        },
      }),
    ).toEqual([
      "spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to `port`",
      "spec.ingress[0].from[0]: Required value: must specify a peer",
      'spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR',
      'spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
  });
});
