// A pod's QoS class from its containers' cpu and memory requests and limits.
// Upstream: pkg/apis/core/helper/qos/qos.go GetPodQOS (computed when a pod is created).
import { quantityNanos } from "../../../lib/api/quantity.ts";
import { child, type JsonObject, objects } from "../validation/json.ts";

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

const COMPUTE = ["cpu", "memory"];

export function podQos(spec: JsonObject | undefined): QosClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const list of ["containers", "initContainers"]) {
    for (const [c] of objects(spec, list)) {
      const resources = child(c, "resources");
      for (const [name, q] of Object.entries(child(resources, "requests") ?? {})) {
        const v = quantityNanos(q);
        if (!COMPUTE.includes(name) || v === undefined || v <= 0n) continue;
        requests.set(name, (requests.get(name) ?? 0n) + v);
      }
      const found = new Set<string>();
      for (const [name, q] of Object.entries(child(resources, "limits") ?? {})) {
        const v = quantityNanos(q);
        if (!COMPUTE.includes(name) || v === undefined || v <= 0n) continue;
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + v);
      }
      if (!COMPUTE.every((r) => found.has(r))) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}
