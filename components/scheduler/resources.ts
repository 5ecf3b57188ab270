// What a pod asks of a node (upstream framework.Resource and resourcehelper.PodRequests): the
// max of the regular containers' sum (plus sidecars) and each init container, plus overhead;
// and the "non-zero" requests scoring uses (100m cpu, 200Mi memory for a container without).

import type { Container, Pod } from "kubernetes-types/core/v1";
import { milliValue, unitValue } from "../../lib/api/quantity.ts";

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and other resources by name ("nvidia.com/gpu", "hugepages-2Mi"). */
  scalar: Record<string, number>;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** Resources of a ResourceList ({cpu: "1", memory: "1Gi", pods: "110", ...}); `pods` is left out. */
export function resourcesOf(list: Record<string, string | number> | undefined): Resources {
  const out = emptyResources();
  for (const [name, value] of Object.entries(list ?? {})) {
    if (name === "cpu") out.milliCPU = milliValue(value, 0);
    else if (name === "memory") out.memory = unitValue(value, 0);
    else if (name === "ephemeral-storage") out.ephemeralStorage = unitValue(value, 0);
    else if (name !== "pods") out.scalar[name] = unitValue(value, 0);
  }
  return out;
}

export function addResources(into: Resources, other: Resources, sign = 1): void {
  into.milliCPU += sign * other.milliCPU;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  for (const [name, value] of Object.entries(other.scalar))
    into.scalar[name] = (into.scalar[name] ?? 0) + sign * value;
}

function maxResources(into: Resources, other: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, value] of Object.entries(other.scalar))
    into.scalar[name] = Math.max(into.scalar[name] ?? 0, value);
}

/** The pod's effective requests (upstream resourcehelper.PodRequests). */
export function podRequests(pod: Pod): Resources {
  const spec = pod.spec;
  const total = emptyResources();
  for (const c of spec?.containers ?? []) addResources(total, resourcesOf(c.resources?.requests));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const requests = resourcesOf(c.resources?.requests);
    if (c.restartPolicy === "Always") {
      addResources(sidecars, requests);
      addResources(total, requests);
    } else {
      const atStart = structuredClone(sidecars);
      addResources(atStart, requests);
      maxResources(initMax, atStart);
    }
  }
  maxResources(total, initMax);
  addResources(total, resourcesOf(spec?.overhead as Record<string, string> | undefined));
  return total;
}

/** cpu and memory requests with scoring's defaults for containers that ask for none. */
export function podNonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let milliCPU = 0;
  let memory = 0;
  const one = (c: Container) => {
    const requests = c.resources?.requests as Record<string, string> | undefined;
    return {
      milliCPU: requests?.cpu !== undefined ? milliValue(requests.cpu, 0) : DEFAULT_MILLI_CPU_REQUEST,
      memory: requests?.memory !== undefined ? unitValue(requests.memory, 0) : DEFAULT_MEMORY_REQUEST,
    };
  };
  for (const c of pod.spec?.containers ?? []) {
    const r = one(c);
    milliCPU += r.milliCPU;
    memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = one(c);
    milliCPU = Math.max(milliCPU, r.milliCPU);
    memory = Math.max(memory, r.memory);
  }
  const overhead = pod.spec?.overhead as Record<string, string> | undefined;
  if (overhead?.cpu) milliCPU += milliValue(overhead.cpu, 0);
  if (overhead?.memory) memory += unitValue(overhead.memory, 0);
  return { milliCPU, memory };
}
