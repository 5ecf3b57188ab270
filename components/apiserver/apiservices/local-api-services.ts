// The APIServices the aggregator registers by itself: one per served group/version, local
// (no spec.service), with upstream's group and version priorities for the built-in groups and
// 1000/100 for custom resources' groups. Upstream: pkg/controlplane/apiserver/aggregator.go
// (apiVersionPriorities) and kube-aggregator's autoregister and crdregistration controllers.
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import type { KObject } from "../registry/object.ts";

export const AUTOMANAGED_LABEL = "kube-aggregator.kubernetes.io/automanaged";

const PRIORITIES: Record<string, [number, number]> = {
  "/v1": [18000, 1],
  "apps/v1": [17800, 15],
  "events.k8s.io/v1": [17750, 15],
  "authentication.k8s.io/v1": [17700, 15],
  "authorization.k8s.io/v1": [17600, 15],
  "autoscaling/v1": [17500, 15],
  "autoscaling/v2": [17500, 30],
  "batch/v1": [17400, 15],
  "certificates.k8s.io/v1": [17300, 15],
  "networking.k8s.io/v1": [17200, 15],
  "policy/v1": [17100, 15],
  "rbac.authorization.k8s.io/v1": [17000, 15],
  "storage.k8s.io/v1": [16800, 15],
  "apiextensions.k8s.io/v1": [16700, 15],
  "admissionregistration.k8s.io/v1": [16700, 15],
  "scheduling.k8s.io/v1": [16600, 15],
  "coordination.k8s.io/v1": [16500, 15],
  "node.k8s.io/v1": [16300, 15],
  "discovery.k8s.io/v1": [16200, 15],
  "flowcontrol.apiserver.k8s.io/v1": [16100, 21],
  "apiregistration.k8s.io/v1": [18000, 15],
  "metrics.k8s.io/v1beta1": [100, 100],
};

/** `v1.` for the core group, `<version>.<group>` otherwise. */
export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

/** The local APIService objects for the served resources; `builtIn` says which groups are kube's own. */
export function localApiServices(resources: ResourceInfo[], builtIn: (group: string) => boolean): KObject[] {
  const seen = new Map<string, KObject>();
  for (const r of resources) {
    const name = apiServiceName(r.group, r.version);
    if (seen.has(name)) continue;
    const own = builtIn(r.group);
    const [groupPriorityMinimum, versionPriority] = PRIORITIES[`${r.group}/${r.version}`] ?? [1000, 100];
    seen.set(name, {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name, labels: { [AUTOMANAGED_LABEL]: own ? "onstart" : "true" } },
      spec: {
        ...(r.group ? { group: r.group } : {}),
        version: r.version,
        groupPriorityMinimum,
        versionPriority,
      },
    });
  }
  return [...seen.values()];
}
