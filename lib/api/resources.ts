// THE table of served resources: group, version, kind, plural, scope, short names,
// categories and subresources. It drives routing, discovery, storage keys, client paths and
// printing. Upstream: `kubectl api-resources` on a v1.32 cluster, and the registry layout of
// kubernetes/kubernetes pkg/registry (storage prefixes such as /registry/minions for nodes).

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Subresource {
  name: string;
  /** What the subresource takes and returns, when it is an object (discovery's responseKind). */
  kind?: GroupVersionKind;
  verbs: string[];
}

export interface ResourceInfo extends GroupVersionKind {
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /**
   * Key prefix in storage, upstream's layout: /registry/<plural> for built-ins with a few
   * historical names (minions, services/specs, ingress); objects live at `<prefix>/<ns>/<name>`.
   */
  storagePrefix: string;
  /** Served in another version too (autoscaling v1/v2): objects are stored once, in this version. */
  storageVersion?: string;
}

const ALL: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const READ: Verb[] = ["get", "list"];
const CREATE: Verb[] = ["create"];
const RW = ["get", "patch", "update"];
const PROXY = ["create", "delete", "get", "patch", "update"];

interface Spec {
  kind: string;
  plural: string;
  namespaced: boolean;
  short?: string[];
  all?: boolean;
  verbs?: Verb[];
  sub?: (gv: { group: string; version: string; kind: string }) => Subresource[];
  prefix?: string;
  /** Discovery categories besides "all" (APIService: "api-extensions"). */
  categories?: string[];
}

const status = (gvk: GroupVersionKind): Subresource => ({ name: "status", kind: gvk, verbs: RW });
const scale: Subresource = {
  name: "scale",
  kind: { group: "autoscaling", version: "v1", kind: "Scale" },
  verbs: RW,
};
const withStatus = (gvk: GroupVersionKind) => [status(gvk)];

function group(groupName: string, version: string, specs: Spec[]): ResourceInfo[] {
  return specs.map((s) => {
    const gvk = { group: groupName, version, kind: s.kind };
    return {
      ...gvk,
      plural: s.plural,
      singular: s.kind.toLowerCase(),
      namespaced: s.namespaced,
      verbs: s.verbs ?? ALL,
      shortNames: s.short ?? [],
      categories: s.all ? ["all"] : (s.categories ?? []),
      subresources: s.sub?.(gvk) ?? [],
      storagePrefix: `/registry/${s.prefix ?? s.plural}`,
    };
  });
}

const core = group("", "v1", [
  { kind: "Binding", plural: "bindings", namespaced: true, verbs: CREATE },
  { kind: "ComponentStatus", plural: "componentstatuses", namespaced: false, short: ["cs"], verbs: READ },
  { kind: "ConfigMap", plural: "configmaps", namespaced: true, short: ["cm"] },
  { kind: "Endpoints", plural: "endpoints", namespaced: true, short: ["ep"], prefix: "services/endpoints" },
  { kind: "Event", plural: "events", namespaced: true, short: ["ev"] },
  { kind: "LimitRange", plural: "limitranges", namespaced: true, short: ["limits"] },
  {
    kind: "Namespace",
    plural: "namespaces",
    namespaced: false,
    short: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    sub: (gvk) => [{ name: "finalize", kind: gvk, verbs: ["update"] }, status(gvk)],
  },
  {
    kind: "Node",
    plural: "nodes",
    namespaced: false,
    short: ["no"],
    prefix: "minions",
    sub: (gvk) => [
      { name: "proxy", kind: { group: "", version: "v1", kind: "NodeProxyOptions" }, verbs: PROXY },
      status(gvk),
    ],
  },
  {
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    namespaced: true,
    short: ["pvc"],
    sub: withStatus,
  },
  {
    kind: "PersistentVolume",
    plural: "persistentvolumes",
    namespaced: false,
    short: ["pv"],
    sub: withStatus,
  },
  {
    kind: "Pod",
    plural: "pods",
    namespaced: true,
    short: ["po"],
    all: true,
    sub: (gvk) => [
      {
        name: "attach",
        kind: { group: "", version: "v1", kind: "PodAttachOptions" },
        verbs: ["create", "get"],
      },
      { name: "binding", kind: { group: "", version: "v1", kind: "Binding" }, verbs: CREATE },
      { name: "ephemeralcontainers", kind: gvk, verbs: RW },
      { name: "eviction", kind: { group: "policy", version: "v1", kind: "Eviction" }, verbs: CREATE },
      { name: "exec", kind: { group: "", version: "v1", kind: "PodExecOptions" }, verbs: ["create", "get"] },
      { name: "log", kind: gvk, verbs: ["get"] },
      {
        name: "portforward",
        kind: { group: "", version: "v1", kind: "PodPortForwardOptions" },
        verbs: ["create", "get"],
      },
      { name: "proxy", kind: { group: "", version: "v1", kind: "PodProxyOptions" }, verbs: PROXY },
      status(gvk),
    ],
  },
  { kind: "PodTemplate", plural: "podtemplates", namespaced: true },
  {
    kind: "ReplicationController",
    plural: "replicationcontrollers",
    namespaced: true,
    short: ["rc"],
    all: true,
    sub: (gvk) => [scale, status(gvk)],
  },
  { kind: "ResourceQuota", plural: "resourcequotas", namespaced: true, short: ["quota"], sub: withStatus },
  { kind: "Secret", plural: "secrets", namespaced: true },
  {
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    namespaced: true,
    short: ["sa"],
    sub: () => [
      {
        name: "token",
        kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
        verbs: CREATE,
      },
    ],
  },
  {
    kind: "Service",
    plural: "services",
    namespaced: true,
    short: ["svc"],
    all: true,
    prefix: "services/specs",
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    sub: (gvk) => [
      { name: "proxy", kind: { group: "", version: "v1", kind: "ServiceProxyOptions" }, verbs: PROXY },
      status(gvk),
    ],
  },
]);

const apps = group("apps", "v1", [
  { kind: "ControllerRevision", plural: "controllerrevisions", namespaced: true },
  { kind: "DaemonSet", plural: "daemonsets", namespaced: true, short: ["ds"], all: true, sub: withStatus },
  {
    kind: "Deployment",
    plural: "deployments",
    namespaced: true,
    short: ["deploy"],
    all: true,
    sub: (g) => [scale, status(g)],
  },
  {
    kind: "ReplicaSet",
    plural: "replicasets",
    namespaced: true,
    short: ["rs"],
    all: true,
    sub: (g) => [scale, status(g)],
  },
  {
    kind: "StatefulSet",
    plural: "statefulsets",
    namespaced: true,
    short: ["sts"],
    all: true,
    sub: (g) => [scale, status(g)],
  },
]);

const hpa: Spec = {
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  namespaced: true,
  short: ["hpa"],
  all: true,
  sub: withStatus,
};

/** Every served resource, preferred versions first within a group. */
export const RESOURCES: ResourceInfo[] = [
  ...core,
  ...apps,
  ...group("authentication.k8s.io", "v1", [
    { kind: "SelfSubjectReview", plural: "selfsubjectreviews", namespaced: false, verbs: CREATE },
    { kind: "TokenReview", plural: "tokenreviews", namespaced: false, verbs: CREATE },
  ]),
  ...group("authorization.k8s.io", "v1", [
    {
      kind: "LocalSubjectAccessReview",
      plural: "localsubjectaccessreviews",
      namespaced: true,
      verbs: CREATE,
    },
    { kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false, verbs: CREATE },
    { kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", namespaced: false, verbs: CREATE },
    { kind: "SubjectAccessReview", plural: "subjectaccessreviews", namespaced: false, verbs: CREATE },
  ]),
  ...group("autoscaling", "v2", [hpa]),
  ...group("autoscaling", "v1", [hpa]).map((r) => ({ ...r, storageVersion: "v2" })),
  ...group("batch", "v1", [
    { kind: "CronJob", plural: "cronjobs", namespaced: true, short: ["cj"], all: true, sub: withStatus },
    { kind: "Job", plural: "jobs", namespaced: true, all: true, sub: withStatus },
  ]),
  ...group("certificates.k8s.io", "v1", [
    {
      kind: "CertificateSigningRequest",
      plural: "certificatesigningrequests",
      namespaced: false,
      short: ["csr"],
      sub: (gvk) => [{ name: "approval", kind: gvk, verbs: RW }, status(gvk)],
    },
  ]),
  ...group("coordination.k8s.io", "v1", [{ kind: "Lease", plural: "leases", namespaced: true }]),
  ...group("discovery.k8s.io", "v1", [{ kind: "EndpointSlice", plural: "endpointslices", namespaced: true }]),
  ...group("events.k8s.io", "v1", [{ kind: "Event", plural: "events", namespaced: true, short: ["ev"] }]),
  ...group("networking.k8s.io", "v1", [
    { kind: "IngressClass", plural: "ingressclasses", namespaced: false },
    {
      kind: "Ingress",
      plural: "ingresses",
      namespaced: true,
      short: ["ing"],
      sub: withStatus,
      prefix: "ingress",
    },
    { kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true, short: ["netpol"] },
  ]),
  ...group("node.k8s.io", "v1", [{ kind: "RuntimeClass", plural: "runtimeclasses", namespaced: false }]),
  ...group("policy", "v1", [
    {
      kind: "PodDisruptionBudget",
      plural: "poddisruptionbudgets",
      namespaced: true,
      short: ["pdb"],
      sub: withStatus,
    },
  ]),
  ...group("rbac.authorization.k8s.io", "v1", [
    { kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false },
    { kind: "ClusterRole", plural: "clusterroles", namespaced: false },
    { kind: "RoleBinding", plural: "rolebindings", namespaced: true },
    { kind: "Role", plural: "roles", namespaced: true },
  ]),
  ...group("scheduling.k8s.io", "v1", [
    { kind: "PriorityClass", plural: "priorityclasses", namespaced: false, short: ["pc"] },
  ]),
  ...group("storage.k8s.io", "v1", [
    { kind: "StorageClass", plural: "storageclasses", namespaced: false, short: ["sc"] },
  ]),
  ...group("apiregistration.k8s.io", "v1", [
    {
      kind: "APIService",
      plural: "apiservices",
      namespaced: false,
      sub: withStatus,
      prefix: "apiregistration.k8s.io/apiservices",
      categories: ["api-extensions"],
    },
  ]),
  ...group("apiextensions.k8s.io", "v1", [
    {
      kind: "CustomResourceDefinition",
      plural: "customresourcedefinitions",
      namespaced: false,
      short: ["crd", "crds"],
      sub: withStatus,
      prefix: "apiextensions.k8s.io/customresourcedefinitions",
    },
  ]),
];

/** Resources whose objects are kept in storage (the review kinds and bindings are not). */
export function isStored(r: ResourceInfo): boolean {
  return r.verbs.includes("get");
}

export function groupVersion(r: { group: string; version: string }): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** Split "apps/v1" or "v1" into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
