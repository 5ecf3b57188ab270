// Cases ported from upstream printers_test.go (TestPrintNodeStatus, TestPrintNodeRole, TestPrintNodeOSImage,
// TestPrintNodeExternalIP, TestPrintNodeInternalIP, TestPrintNodeContainerRuntimeVersion).

import { expect, test } from "bun:test";
import type { Node } from "kubernetes-types/core/v1";
import { nodePrinter } from "./node-printer.ts";

const now = new Date("2024-06-01T12:00:00Z");
const row = (node: Node) => nodePrinter.print(node, now).cells;

test("STATUS from the Ready condition, plus SchedulingDisabled", () => {
  const cases: Array<[Node, string]> = [
    [{ status: { conditions: [{ type: "Ready", status: "True" }] } }, "Ready"],
    [
      { spec: { unschedulable: true }, status: { conditions: [{ type: "Ready", status: "True" }] } },
      "Ready,SchedulingDisabled",
    ],
    [
      {
        status: {
          conditions: [
            { type: "Ready", status: "True" },
            { type: "Ready", status: "True" },
          ],
        },
      },
      "Ready",
    ],
    [{ status: { conditions: [{ type: "Ready", status: "False" }] } }, "NotReady"],
    [
      { spec: { unschedulable: true }, status: { conditions: [{ type: "Ready", status: "False" }] } },
      "NotReady,SchedulingDisabled",
    ],
    [{ status: { conditions: [{ type: "Ready", status: "Unknown" }] } }, "NotReady"],
    [{ status: { conditions: [{ type: "InvalidValue", status: "True" }] } }, "Unknown"],
    [{ status: { conditions: [{ type: "", status: "" }] } }, "Unknown"],
    [
      { spec: { unschedulable: true }, status: { conditions: [{ type: "InvalidValue", status: "True" }] } },
      "Unknown,SchedulingDisabled",
    ],
  ];
  for (const [node, want] of cases) expect(row({ metadata: { name: "foo" }, ...node })[1]).toBe(want);
});

test("ROLES from node-role.kubernetes.io/* and kubernetes.io/role labels", () => {
  expect(row({ metadata: { name: "foo9" } }).slice(0, 5)).toEqual([
    "foo9",
    "Unknown",
    "<none>",
    "<unknown>",
    "",
  ]);
  const labels = {
    "node-role.kubernetes.io/master": "",
    "node-role.kubernetes.io/control-plane": "",
    "node-role.kubernetes.io/proxy": "",
    "kubernetes.io/role": "node",
  };
  expect(row({ metadata: { name: "foo10", labels } })[2]).toBe("control-plane,master,node,proxy");
  expect(row({ metadata: { name: "foo11", labels: { "kubernetes.io/role": "node" } } })[2]).toBe("node");
  expect(
    row({ metadata: { name: "x", labels: { "node-role.kubernetes.io/": "", "kubernetes.io/role": "" } } })[2],
  ).toBe("<none>");
});

test("wide columns: first internal and external IP, OS image, kernel, runtime", () => {
  expect(
    row({
      metadata: { name: "foo1" },
      status: {
        nodeInfo: { osImage: "fake-os-image" },
        addresses: [{ type: "ExternalIP", address: "1.1.1.1" }],
      },
    } as Node),
  ).toEqual([
    "foo1",
    "Unknown",
    "<none>",
    "<unknown>",
    "",
    "<none>",
    "1.1.1.1",
    "fake-os-image",
    "<unknown>",
    "<unknown>",
  ]);
  expect(
    row({
      metadata: { name: "foo3" },
      status: {
        addresses: [
          { type: "ExternalIP", address: "2.2.2.2" },
          { type: "InternalIP", address: "3.3.3.3" },
          { type: "ExternalIP", address: "4.4.4.4" },
        ],
      },
    }).slice(5, 7),
  ).toEqual(["3.3.3.3", "2.2.2.2"]);
});

test("a full node", () => {
  const node: Node = {
    metadata: {
      name: "n1",
      creationTimestamp: "2024-05-31T12:00:00Z",
      labels: { "node-role.kubernetes.io/control-plane": "" },
    },
    status: {
      conditions: [{ type: "Ready", status: "True" }],
      addresses: [{ type: "InternalIP", address: "10.0.0.5" }],
      nodeInfo: {
        architecture: "amd64",
        bootID: "",
        containerRuntimeVersion: "kube://0.1.0",
        kernelVersion: "6.1.0",
        kubeProxyVersion: "",
        kubeletVersion: "v1.32.4",
        machineID: "",
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: "",
      },
    },
  };
  expect(row(node)).toEqual([
    "n1",
    "Ready",
    "control-plane",
    "24h",
    "v1.32.4",
    "10.0.0.5",
    "<none>",
    "Debian GNU/Linux 12 (bookworm)",
    "6.1.0",
    "kube://0.1.0",
  ]);
});
