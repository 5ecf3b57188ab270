// The Node this kubelet registers and keeps up to date (upstream pkg/kubelet/nodestatus/setters.go):
// labels, capacity and allocatable from the host, addresses, daemon endpoints, node info, and
// the pressure and Ready conditions.

import { readFileSync } from "node:fs";
import { arch, cpus, release, totalmem } from "node:os";
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import { kubernetesVersion, kubeVersion } from "../../../lib/version.ts";

export interface NodeFacts {
  nodeName: string;
  nodeIP: string;
  kubeletPort: number;
  podCIDR: string | undefined;
  labels: Record<string, string>;
  taints?: Node["spec"] extends infer S ? (S extends { taints?: infer T } ? T : never) : never;
  maxPods: number;
  runtimeName: string;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return fallback;
  }
}

function osImage(): string {
  const text = readOr("/etc/os-release", "");
  const match = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
  return match?.[1] ?? "Linux";
}

const goArch = (): string =>
  ({ x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386" })[arch() as string] ?? arch();

export function nodeLabels(facts: Pick<NodeFacts, "nodeName" | "labels">): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": goArch(),
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": goArch(),
    "kubernetes.io/hostname": facts.nodeName,
    "kubernetes.io/os": "linux",
    ...facts.labels,
  };
}

export function nodeConditions(now: string, previous: NodeCondition[] | undefined): NodeCondition[] {
  const make = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const old = previous?.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
    };
  };
  return [
    make("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    make("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    make("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    make("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ];
}

export function nodeStatus(
  facts: NodeFacts,
  now: string,
  previous?: Node["status"],
): NonNullable<Node["status"]> {
  const memoryKi = `${Math.floor(totalmem() / 1024)}Ki`;
  const capacity = {
    cpu: String(cpus().length),
    memory: memoryKi,
    pods: String(facts.maxPods),
    "ephemeral-storage": "10Gi",
    "hugepages-2Mi": "0",
  };
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: nodeConditions(now, previous?.conditions),
    addresses: [
      { type: "InternalIP", address: facts.nodeIP },
      { type: "Hostname", address: facts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.kubeletPort } },
    nodeInfo: {
      machineID: readOr("/etc/machine-id", ""),
      systemUUID: readOr("/sys/class/dmi/id/product_uuid", readOr("/etc/machine-id", "")),
      bootID: readOr("/proc/sys/kernel/random/boot_id", ""),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: `kube-${facts.runtimeName}://${kubeVersion.slice(1)}`,
      kubeletVersion: kubernetesVersion.gitVersion,
      kubeProxyVersion: kubernetesVersion.gitVersion,
      operatingSystem: "linux",
      architecture: goArch(),
    },
  };
}

export function nodeObject(facts: NodeFacts, now: string): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: facts.nodeName, labels: nodeLabels(facts) },
    spec: facts.podCIDR ? { podCIDR: facts.podCIDR, podCIDRs: [facts.podCIDR] } : {},
    status: nodeStatus(facts, now),
  };
}
