// Downward API field paths and resource fields (upstream pkg/fieldpath and
// pkg/kubelet/kubelet_pods.go podFieldSelectorRuntimeValue): values a pod can read about itself.

import type { Container, Pod } from "kubernetes-types/core/v1";
import { quantityValue } from "../../../lib/api/quantity.ts";

export function fieldPathValue(pod: Pod, path: string, extra: { hostIP?: string; podIP?: string }): string {
  const meta = pod.metadata ?? {};
  const mapMatch = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapMatch) return meta[mapMatch[1] as "labels" | "annotations"]?.[mapMatch[2] as string] ?? "";
  switch (path) {
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "";
    case "metadata.uid":
      return meta.uid ?? "";
    case "metadata.labels":
      return formatMap(meta.labels);
    case "metadata.annotations":
      return formatMap(meta.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
    case "status.hostIPs":
      return extra.hostIP ?? "";
    case "status.podIP":
    case "status.podIPs":
      return extra.podIP ?? "";
    default:
      throw new Error(`unsupported fieldPath "${path}"`);
  }
}

function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k])}`)
    .join("\n");
}

/** `resourceFieldRef`: limits.cpu etc., divided by the divisor, rounded up as upstream. */
export function resourceFieldValue(container: Container, resource: string, divisor?: string): string {
  const [kind, name] = resource.split(".") as [string, string];
  const table = kind === "limits" ? container.resources?.limits : container.resources?.requests;
  const raw = table?.[name];
  let value = raw === undefined ? undefined : quantityValue(String(raw));
  if (value === undefined) {
    if (kind === "limits" && name === "cpu")
      value = 2; // node allocatable stands in for "no limit"
    else if (kind === "limits" && name === "memory") value = 0;
    else value = 0;
  }
  const d = divisor ? quantityValue(divisor) : 1;
  return String(Math.ceil(value / (d || 1)));
}
