// patchMetaFor: the strategic-merge facts of the built-in kinds, transcribed from upstream's
// struct tags (kubernetes/api core/v1, apps/v1, batch/v1, policy/v1, ...; apimachinery meta/v1).
// Unknown kinds (custom resources) have none: upstream refuses SMP on them with 415.

import type { PatchMeta } from "./patch-meta.ts";

const byType: PatchMeta = { strategy: "merge", mergeKey: "type" };
const byName: PatchMeta = { strategy: "merge", mergeKey: "name" };
const conditions: PatchMeta = byType;
const labelSelector: PatchMeta = { atomic: true };

const objectMeta: PatchMeta = {
  fields: {
    ownerReferences: { strategy: "merge", mergeKey: "uid" },
    finalizers: { strategy: "merge" },
  },
};

const containerFields: Record<string, PatchMeta> = {
  ports: {
    strategy: "merge",
    mergeKey: "containerPort",
    listMapKeys: ["containerPort", "protocol"],
    keyDefaults: { protocol: "TCP" },
  },
  env: byName,
  volumeMounts: { strategy: "merge", mergeKey: "mountPath" },
  volumeDevices: { strategy: "merge", mergeKey: "devicePath" },
  // listType=map for apply, but no patchStrategy: strategic merge replaces it.
  resources: { fields: { claims: { listMapKeys: ["name"] } } },
};
const containers: PatchMeta = { strategy: "merge", mergeKey: "name", fields: containerFields };

const podSpec: PatchMeta = {
  fields: {
    volumes: { strategy: "merge", mergeKey: "name", retainKeys: true },
    initContainers: containers,
    containers,
    ephemeralContainers: containers,
    imagePullSecrets: byName,
    hostAliases: { strategy: "merge", mergeKey: "ip" },
    topologySpreadConstraints: {
      strategy: "merge",
      mergeKey: "topologyKey",
      listMapKeys: ["topologyKey", "whenUnsatisfiable"],
    },
    resourceClaims: { strategy: "merge", mergeKey: "name", retainKeys: true },
    schedulingGates: byName,
  },
};

const podStatus: PatchMeta = {
  fields: {
    conditions,
    podIPs: { strategy: "merge", mergeKey: "ip" },
    hostIPs: { strategy: "merge", mergeKey: "ip" },
    resourceClaimStatuses: { strategy: "merge", mergeKey: "name", retainKeys: true },
  },
};

const podTemplateSpec: PatchMeta = { fields: { metadata: objectMeta, spec: podSpec } };

function kind(spec?: PatchMeta, status?: PatchMeta, extra?: Record<string, PatchMeta>): PatchMeta {
  const fields: Record<string, PatchMeta> = { metadata: objectMeta, ...extra };
  if (spec) fields.spec = spec;
  if (status) fields.status = status;
  return { fields };
}

const withConditions: PatchMeta = { fields: { conditions } };
const plain = kind();

const workload = (extra: Record<string, PatchMeta> = {}): PatchMeta =>
  kind({ fields: { selector: labelSelector, template: podTemplateSpec, ...extra } }, withConditions);

const jobSpec: PatchMeta = { fields: { selector: labelSelector, template: podTemplateSpec } };

const builtins: Record<string, Record<string, PatchMeta>> = {
  v1: {
    Pod: kind(podSpec, podStatus),
    PodTemplate: kind(undefined, undefined, { template: podTemplateSpec }),
    // selector maps are `mapType=atomic` for apply; strategic merge still merges them.
    ReplicationController: kind(
      { fields: { selector: { atomic: true }, template: podTemplateSpec } },
      withConditions,
    ),
    Service: kind(
      {
        fields: {
          selector: { atomic: true },
          ports: {
            strategy: "merge",
            mergeKey: "port",
            listMapKeys: ["port", "protocol"],
            keyDefaults: { protocol: "TCP" },
          },
        },
      },
      withConditions,
    ),
    Node: kind(
      { fields: { podCIDRs: { strategy: "merge" } } },
      { fields: { conditions, addresses: byType } },
    ),
    Namespace: kind(undefined, withConditions),
    ServiceAccount: kind(undefined, undefined, { secrets: byName }),
    PersistentVolumeClaim: kind({ fields: { selector: labelSelector } }, withConditions),
    PersistentVolume: plain,
    ConfigMap: plain,
    Secret: plain,
    Endpoints: plain,
    Event: plain,
    LimitRange: plain,
    ResourceQuota: plain,
    Binding: plain,
    ComponentStatus: kind(undefined, undefined, { conditions }),
  },
  "apps/v1": {
    Deployment: workload({ strategy: { retainKeys: true } }),
    ReplicaSet: workload(),
    DaemonSet: workload(),
    StatefulSet: workload(),
    ControllerRevision: plain,
  },
  "batch/v1": {
    Job: kind(jobSpec, withConditions),
    CronJob: kind({ fields: { jobTemplate: { fields: { metadata: objectMeta, spec: jobSpec } } } }),
  },
  "policy/v1": { PodDisruptionBudget: kind({ fields: { selector: labelSelector } }, withConditions) },
  "autoscaling/v1": { HorizontalPodAutoscaler: plain, Scale: plain },
  "autoscaling/v2": { HorizontalPodAutoscaler: kind(undefined, withConditions) },
  "coordination.k8s.io/v1": { Lease: plain },
  "discovery.k8s.io/v1": { EndpointSlice: plain },
  "events.k8s.io/v1": { Event: plain },
  "networking.k8s.io/v1": { Ingress: plain, IngressClass: plain, NetworkPolicy: plain },
  "rbac.authorization.k8s.io/v1": {
    Role: plain,
    RoleBinding: plain,
    ClusterRole: plain,
    ClusterRoleBinding: plain,
  },
  "storage.k8s.io/v1": { StorageClass: plain },
  "scheduling.k8s.io/v1": { PriorityClass: plain },
  "node.k8s.io/v1": { RuntimeClass: plain },
  "apiextensions.k8s.io/v1": { CustomResourceDefinition: plain },
  "apiregistration.k8s.io/v1": { APIService: kind(undefined, withConditions) },
  "certificates.k8s.io/v1": { CertificateSigningRequest: plain },
};

/** The PatchMeta of a built-in kind, or undefined for kinds without Go types (custom resources). */
export function patchMetaFor(apiVersion: string, kindName: string): PatchMeta | undefined {
  const kinds = Object.hasOwn(builtins, apiVersion) ? builtins[apiVersion] : undefined;
  return kinds && Object.hasOwn(kinds, kindName) ? kinds[kindName] : undefined;
}
