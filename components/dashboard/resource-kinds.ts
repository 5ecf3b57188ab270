// The resources the dashboard's navigation names, grouped as Headlamp and the old dashboard do.
// Any other resource (CRDs included) is reached generically by group/version/resource.
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export interface NavKind extends ResourceRef {
  title: string;
  section: "Workloads" | "Network" | "Config" | "Cluster";
}

const k = (
  section: NavKind["section"],
  title: string,
  group: string,
  version: string,
  resource: string,
  namespaced = true,
): NavKind => ({ section, title, group, version, resource, namespaced });

export const NAV_KINDS: NavKind[] = [
  k("Workloads", "Deployments", "apps", "v1", "deployments"),
  k("Workloads", "ReplicaSets", "apps", "v1", "replicasets"),
  k("Workloads", "StatefulSets", "apps", "v1", "statefulsets"),
  k("Workloads", "DaemonSets", "apps", "v1", "daemonsets"),
  k("Workloads", "Jobs", "batch", "v1", "jobs"),
  k("Workloads", "CronJobs", "batch", "v1", "cronjobs"),
  k("Workloads", "Pods", "", "v1", "pods"),
  k("Network", "Services", "", "v1", "services"),
  k("Network", "Endpoints", "", "v1", "endpoints"),
  k("Network", "EndpointSlices", "discovery.k8s.io", "v1", "endpointslices"),
  k("Network", "NetworkPolicies", "networking.k8s.io", "v1", "networkpolicies"),
  k("Config", "ConfigMaps", "", "v1", "configmaps"),
  k("Config", "Secrets", "", "v1", "secrets"),
  k("Config", "ServiceAccounts", "", "v1", "serviceaccounts"),
  k("Cluster", "Namespaces", "", "v1", "namespaces", false),
  k("Cluster", "Nodes", "", "v1", "nodes", false),
  k("Cluster", "Events", "", "v1", "events"),
  k("Cluster", "PersistentVolumes", "", "v1", "persistentvolumes", false),
  k("Cluster", "PersistentVolumeClaims", "", "v1", "persistentvolumeclaims"),
  k("Cluster", "CRDs", "apiextensions.k8s.io", "v1", "customresourcedefinitions", false),
];

/** The API path of a collection or object: /api/v1/namespaces/ns/pods/name. */
export function apiPath(r: ResourceRef, namespace?: string, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.resource}${name ? `/${encodeURIComponent(name)}` : ""}`;
}

/** The dashboard path of a collection or object: /r/<group|core>/<version>/<resource>[/<ns|_>/<name>]. */
export function uiPath(r: ResourceRef, namespace?: string, name?: string): string {
  const base = `/r/${r.group || "core"}/${r.version}/${r.resource}`;
  return name ? `${base}/${namespace || "_"}/${encodeURIComponent(name)}` : base;
}

export function navKind(group: string, resource: string): NavKind | undefined {
  return NAV_KINDS.find((n) => n.group === group && n.resource === resource);
}
