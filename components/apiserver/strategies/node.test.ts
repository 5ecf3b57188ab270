import { describe, expect, test } from "bun:test";
import { nodeStrategy } from "./node.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("node", () => {
  test("status defaults and zero fields; status kept on create", () => {
    const obj = created(nodeStrategy, {
      metadata: { name: "n1" },
      status: { capacity: { cpu: "2", pods: "110" } },
    });
    expect(obj.status).toEqual({
      capacity: { cpu: "2", pods: "110" },
      allocatable: { cpu: "2", pods: "110" },
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        architecture: "",
        bootID: "",
        containerRuntimeVersion: "",
        kernelVersion: "",
        kubeProxyVersion: "",
        kubeletVersion: "",
        machineID: "",
        operatingSystem: "",
        osImage: "",
        systemUUID: "",
      },
    });
    expect(nodeStrategy.allowCreateOnUpdate).toBe(true);
    expect(nodeStrategy.fields?.(obj)).toEqual({ "spec.unschedulable": "false" });
  });

  test("taints and CIDRs", () => {
    expect(
      createErrors(nodeStrategy, {
        metadata: { name: "n1" },
        spec: {
          podCIDR: "10.0.0.0/33",
          taints: [{ key: "a", effect: "Sometimes" }, { effect: "NoSchedule" }],
        },
      }),
    ).toEqual([
      'spec.podCIDR: Invalid value: "10.0.0.0/33": must be a valid CIDR',
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      "spec.taints[1].key: Required value",
    ]);
  });

  test("podCIDRs and providerID are set once", () => {
    const old = created(nodeStrategy, {
      metadata: { name: "n1" },
      spec: { podCIDRs: ["10.244.0.0/24"], providerID: "kube://n1" },
    });
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).podCIDRs = ["10.244.1.0/24"];
    (next.spec as Record<string, unknown>).providerID = "kube://n2";
    expect(updateErrors(nodeStrategy, next, old, false)).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    ]);
  });
});
