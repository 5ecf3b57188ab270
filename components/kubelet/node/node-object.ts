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

interface HostInfo {
  cpus: string;
  memoryKi: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  osImage: string;
}

/** Host facts are read at most once a minute per process: 5000 fake nodes share one reading. */
const HOST_INFO_TTL_MS = 60_000;
let hostInfoCache: { info: HostInfo; at: number } | undefined;

function hostInfo(): HostInfo {
  const now = performance.now();
  if (hostInfoCache && now - hostInfoCache.at < HOST_INFO_TTL_MS) return hostInfoCache.info;
  const machineID = readOr("/etc/machine-id", "");
  const info: HostInfo = {
    cpus: String(cpus().length),
    memoryKi: `${Math.floor(totalmem() / 1024)}Ki`,
    machineID,
    systemUUID: readOr("/sys/class/dmi/id/product_uuid", machineID),
    bootID: readOr("/proc/sys/kernel/random/boot_id", ""),
    osImage: osImage(),
  };
  hostInfoCache = { info, at: now };
  return info;
}

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
  const host = hostInfo();
  const capacity = {
    cpu: host.cpus,
    memory: host.memoryKi,
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
      machineID: host.machineID,
      systemUUID: host.systemUUID,
      bootID: host.bootID,
      kernelVersion: release(),
      osImage: host.osImage,
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
