// Node columns: Status (Ready, NotReady, Unknown, plus SchedulingDisabled), Roles, Version, IPs, OS details.
// Upstream: pkg/printers/internalversion/printers.go (printNode, findNodeRoles, getNodeInternalIP).

import type { Node } from "kubernetes-types/core/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

const labelNodeRolePrefix = "node-role.kubernetes.io/";
const nodeLabelRole = "kubernetes.io/role";

/** Roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`, sorted and unique. */
export function findNodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(labelNodeRolePrefix)) {
      const role = k.slice(labelNodeRolePrefix.length);
      if (role) roles.add(role);
    } else if (k === nodeLabelRole && v !== "") {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeStatus(node: Node): string {
  const status: string[] = [];
  // Only the Ready condition is shown; a later duplicate wins, as in upstream's condition map.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").at(-1);
  if (ready) status.push(ready.status === "True" ? "Ready" : "NotReady");
  if (status.length === 0) status.push("Unknown");
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

const address = (node: Node, type: string): string =>
  (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? "<none>";

export const nodePrinter = definePrinter<Node>(
  [
    nameColumn,
    column("Status", "The status of the node"),
    column("Roles", "The roles of the node"),
    ageColumn,
    column("Version", columnDescriptions.kubeletVersion),
    column("Internal-IP", columnDescriptions.nodeAddresses, { priority: 1 }),
    column("External-IP", columnDescriptions.nodeAddresses, { priority: 1 }),
    column("OS-Image", columnDescriptions.osImage, { priority: 1 }),
    column("Kernel-Version", columnDescriptions.kernelVersion, { priority: 1 }),
    column("Container-Runtime", columnDescriptions.containerRuntimeVersion, { priority: 1 }),
  ],
  (node, now) => {
    const info = node.status?.nodeInfo;
    return {
      cells: [
        node.metadata?.name ?? "",
        nodeStatus(node),
        findNodeRoles(node).join(",") || "<none>",
        age(node.metadata?.creationTimestamp, now),
        info?.kubeletVersion ?? "",
        address(node, "InternalIP"),
        address(node, "ExternalIP"),
        info?.osImage || "<unknown>",
        info?.kernelVersion || "<unknown>",
        info?.containerRuntimeVersion || "<unknown>",
      ],
    };
  },
);
