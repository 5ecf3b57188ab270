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

/**
 * Parsed quantities by text: a cluster's pods repeat a handful of strings ("100m", "128Mi"), and
 * the exact parse (BigInt) was the scheduler's largest cost per pod after the cycle itself.
 */
const milliCache = new Map<string | number, number>();
const unitCache = new Map<string | number, number>();
const CACHE_LIMIT = 4096;

function cached(
  cache: Map<string | number, number>,
  value: string | number,
  parse: typeof milliValue,
): number {
  let n = cache.get(value);
  if (n === undefined) {
    n = parse(value, 0);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(value, n);
  }
  return n;
}

/** Resources of a ResourceList ({cpu: "1", memory: "1Gi", pods: "110", ...}); `pods` is left out. */
export function resourcesOf(list: Record<string, string | number> | undefined): Resources {
  const out = emptyResources();
  if (!list) return out;
  for (const name in list) {
    const value = list[name] as string | number;
    if (name === "cpu") out.milliCPU = cached(milliCache, value, milliValue);
    else if (name === "memory") out.memory = cached(unitCache, value, unitValue);
    else if (name === "ephemeral-storage") out.ephemeralStorage = cached(unitCache, value, unitValue);
    else if (name !== "pods") out.scalar[name] = cached(unitCache, value, unitValue);
  }
  return out;
}

export function addResources(into: Resources, other: Resources, sign = 1): void {
  into.milliCPU += sign * other.milliCPU;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  for (const name in other.scalar)
    into.scalar[name] = (into.scalar[name] ?? 0) + sign * (other.scalar[name] as number);
}

function maxResources(into: Resources, other: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const name in other.scalar)
    into.scalar[name] = Math.max(into.scalar[name] ?? 0, other.scalar[name] as number);
}

function copyResources(r: Resources): Resources {
  return { ...r, scalar: { ...r.scalar } };
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
      const atStart = copyResources(sidecars);
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
      milliCPU:
        requests?.cpu !== undefined
          ? cached(milliCache, requests.cpu, milliValue)
          : DEFAULT_MILLI_CPU_REQUEST,
      memory:
        requests?.memory !== undefined
          ? cached(unitCache, requests.memory, unitValue)
          : DEFAULT_MEMORY_REQUEST,
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
  if (overhead?.cpu) milliCPU += cached(milliCache, overhead.cpu, milliValue);
  if (overhead?.memory) memory += cached(unitCache, overhead.memory, unitValue);
  return { milliCPU, memory };
}
