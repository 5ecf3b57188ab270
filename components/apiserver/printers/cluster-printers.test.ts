// Cases ported from upstream printers_test.go (TestPrintPodDisruptionBudget, TestPrintLease, TestPrintPriorityClass,
// TestPrintRuntimeClass, TestPrintCertificateSigningRequest, role bindings, storage classes, webhooks).

import { expect, test } from "bun:test";
import { webhookConfigurationPrinter } from "./admission-printers.ts";
import { apiServicePrinter } from "./apiservice-printer.ts";
import {
  certificateSigningRequestPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  runtimeClassPrinter,
  scalePrinter,
} from "./cluster-printers.ts";
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac-printers.ts";
import { csiDriverPrinter, storageClassPrinter } from "./storage-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const justNow = new Date(now.getTime() + 1900).toISOString();

test("PodDisruptionBudget: N/A for the unset bound", () => {
  const pdb = (spec: object) =>
    podDisruptionBudgetPrinter.print(
      {
        metadata: { name: "pdb1", creationTimestamp: justNow },
        spec,
        status: { disruptionsAllowed: 5, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
      },
      now,
    ).cells;
  expect(pdb({ minAvailable: 22 })).toEqual(["pdb1", "22", "N/A", 5, "0s"]);
  expect(pdb({ maxUnavailable: "10%" })).toEqual(["pdb1", "N/A", "10%", 5, "0s"]);
});

test("Lease, PriorityClass, RuntimeClass", () => {
  expect(leasePrinter.print({ metadata: { name: "n1" }, spec: { holderIdentity: "n1" } }, now).cells).toEqual(
    ["n1", "n1", "<unknown>"],
  );
  expect(leasePrinter.print({ metadata: { name: "free" }, spec: {} }, now).cells[1]).toBe("");
  expect(
    priorityClassPrinter.print(
      {
        metadata: { name: "system-node-critical" },
        value: 2000001000,
        globalDefault: false,
        preemptionPolicy: "PreemptLowerPriority",
      },
      now,
    ).cells,
  ).toEqual(["system-node-critical", 2000001000, false, "<unknown>", "PreemptLowerPriority"]);
  expect(runtimeClassPrinter.print({ metadata: { name: "gvisor" }, handler: "runsc" }, now).cells).toEqual([
    "gvisor",
    "runsc",
    "<unknown>",
  ]);
});

test("RoleBinding and ClusterRoleBinding: ROLE kind/name and subjects", () => {
  const subjects = [
    { kind: "User", name: "system:kube-scheduler", apiGroup: "rbac.authorization.k8s.io" },
    { kind: "Group", name: "system:masters" },
    { kind: "Group", name: "system:nodes" },
    { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
  ];
  expect(
    roleBindingPrinter.print(
      {
        metadata: { name: "binding1", creationTimestamp: justNow },
        roleRef: { apiGroup: "", kind: "Role", name: "extension-apiserver-authentication-reader" },
        subjects,
      },
      now,
    ).cells,
  ).toEqual([
    "binding1",
    "Role/extension-apiserver-authentication-reader",
    "0s",
    "system:kube-scheduler",
    "system:masters, system:nodes",
    "kube-system/default",
  ]);
  expect(
    clusterRoleBindingPrinter.print(
      {
        metadata: { name: "cluster-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      },
      now,
    ).cells,
  ).toEqual(["cluster-admin", "ClusterRole/cluster-admin", "<unknown>", "", "", ""]);
  expect(clusterRoleBindingPrinter.columns[3]?.description).toBe("Users in the clusterRoleBinding");
});

test("StorageClass: (default) marker and defaulted policies", () => {
  expect(
    storageClassPrinter.print(
      {
        metadata: {
          name: "standard",
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "rancher.io/local-path",
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
      },
      now,
    ).cells,
  ).toEqual([
    "standard (default)",
    "rancher.io/local-path",
    "Delete",
    "WaitForFirstConsumer",
    false,
    "<unknown>",
  ]);
  expect(
    storageClassPrinter.print(
      { metadata: { name: "plain" }, provisioner: "p", allowVolumeExpansion: true },
      now,
    ).cells,
  ).toEqual(["plain", "p", "Delete", "Immediate", true, "<unknown>"]);
});

test("CertificateSigningRequest, CSIDriver and webhook configurations", () => {
  expect(
    certificateSigningRequestPrinter.print(
      {
        metadata: { name: "csr1" },
        spec: {
          request: "",
          signerName: "kubernetes.io/kubelet-serving",
          username: "system:node:n1",
          expirationSeconds: 3600,
        },
        status: { conditions: [{ type: "Approved", status: "True" }], certificate: "Y2VydA==" },
      },
      now,
    ).cells,
  ).toEqual([
    "csr1",
    "<unknown>",
    "kubernetes.io/kubelet-serving",
    "system:node:n1",
    "60m",
    "Approved,Issued",
  ]);
  expect(
    csiDriverPrinter.print(
      { metadata: { name: "d" }, spec: { volumeLifecycleModes: ["Persistent", "Ephemeral"] } },
      now,
    ).cells,
  ).toEqual(["d", true, false, false, "<unset>", false, "Persistent,Ephemeral", "<unknown>"]);
  expect(webhookConfigurationPrinter.print({ metadata: { name: "w" }, webhooks: [] }, now).cells).toEqual([
    "w",
    0,
    "<unknown>",
  ]);
});

test("Scale subresource: Name without the name format, integer Desired and Available", () => {
  expect(
    scalePrinter.print({ metadata: { name: "web" }, spec: { replicas: 3 }, status: { replicas: 2 } }, now)
      .cells,
  ).toEqual(["web", 3, 2, "<unknown>"]);
  expect(scalePrinter.columns[0]?.format).toBe("");
});

test("APIService: Local or namespace/name, Available with the reason when not True", () => {
  const svc = (
    service: { namespace: string; name: string } | undefined,
    conditions: Array<{ type: string; status: string; reason?: string }>,
  ) =>
    apiServicePrinter.print(
      { metadata: { name: "v1.apps" }, spec: service ? { service } : {}, status: { conditions } },
      now,
    ).cells;
  expect(svc(undefined, [{ type: "Available", status: "True", reason: "Local" }])).toEqual([
    "v1.apps",
    "Local",
    "True",
    "<unknown>",
  ]);
  expect(
    svc({ namespace: "kube-system", name: "metrics-server" }, [
      { type: "Available", status: "False", reason: "MissingEndpoints" },
    ]),
  ).toEqual(["v1.apps", "kube-system/metrics-server", "False (MissingEndpoints)", "<unknown>"]);
  expect(svc(undefined, [])[2]).toBe("Unknown");
});
