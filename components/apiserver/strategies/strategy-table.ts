// The strategy of every built-in kind, looked up by API group and kind, and the field
// selector labels each kind supports. Upstream: the per-resource strategies under
// kubernetes/kubernetes pkg/registry/<group>/<resource>/strategy.go and their GetAttrs.
import { RESOURCES } from "../../../lib/api/resources.ts";
import type { Strategy } from "../registry/strategy.ts";
import { apiServiceStrategy } from "./api-service.ts";
import { certificateSigningRequestStrategy } from "./certificate-signing-request.ts";
import { configMapStrategy } from "./config-map.ts";
import { controllerRevisionStrategy } from "./controller-revision.ts";
import { crdStrategy } from "./crd.ts";
import { cronJobStrategy } from "./cron-job.ts";
import { daemonSetStrategy } from "./daemon-set.ts";
import { deploymentStrategy } from "./deployment.ts";
import { endpointSliceStrategy, endpointsStrategy } from "./endpoints.ts";
import { eventStrategy, eventsV1Strategy } from "./event.ts";
import { hpaStrategy } from "./hpa.ts";
import { ingressClassStrategy, ingressStrategy } from "./ingress.ts";
import { jobStrategy } from "./job.ts";
import { leaseStrategy } from "./lease.ts";
import { limitRangeStrategy } from "./limit-range.ts";
import { namespaceStrategy } from "./namespace.ts";
import { networkPolicyStrategy } from "./network-policy.ts";
import { nodeStrategy } from "./node.ts";
import { pdbStrategy } from "./pdb.ts";
import { persistentVolumeStrategy } from "./persistent-volume.ts";
import { persistentVolumeClaimStrategy } from "./persistent-volume-claim.ts";
import { podStrategy } from "./pod.ts";
import { podTemplateStrategy } from "./pod-template-resource.ts";
import { priorityClassStrategy } from "./priority-class.ts";
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  roleBindingStrategy,
  roleStrategy,
} from "./rbac.ts";
import { replicaSetStrategy } from "./replica-set.ts";
import { replicationControllerStrategy } from "./replication-controller.ts";
import { resourceQuotaStrategy } from "./resource-quota.ts";
import { runtimeClassStrategy } from "./runtime-class.ts";
import { secretStrategy } from "./secret.ts";
import { serviceStrategy } from "./service.ts";
import { serviceAccountStrategy } from "./service-account.ts";
import { statefulSetStrategy } from "./stateful-set.ts";
import { storageClassStrategy } from "./storage-class.ts";

const TABLE: Record<string, Strategy> = {
  "/ConfigMap": configMapStrategy,
  "/Endpoints": endpointsStrategy,
  "/Event": eventStrategy,
  "/LimitRange": limitRangeStrategy,
  "/Namespace": namespaceStrategy,
  "/Node": nodeStrategy,
  "/PersistentVolume": persistentVolumeStrategy,
  "/PersistentVolumeClaim": persistentVolumeClaimStrategy,
  "/Pod": podStrategy,
  "/PodTemplate": podTemplateStrategy,
  "/ReplicationController": replicationControllerStrategy,
  "/ResourceQuota": resourceQuotaStrategy,
  "/Secret": secretStrategy,
  "/Service": serviceStrategy,
  "/ServiceAccount": serviceAccountStrategy,
  "apps/ControllerRevision": controllerRevisionStrategy,
  "apps/DaemonSet": daemonSetStrategy,
  "apps/Deployment": deploymentStrategy,
  "apps/ReplicaSet": replicaSetStrategy,
  "apps/StatefulSet": statefulSetStrategy,
  "autoscaling/HorizontalPodAutoscaler": hpaStrategy,
  "batch/CronJob": cronJobStrategy,
  "batch/Job": jobStrategy,
  "certificates.k8s.io/CertificateSigningRequest": certificateSigningRequestStrategy,
  "coordination.k8s.io/Lease": leaseStrategy,
  "discovery.k8s.io/EndpointSlice": endpointSliceStrategy,
  "events.k8s.io/Event": eventsV1Strategy,
  "networking.k8s.io/Ingress": ingressStrategy,
  "networking.k8s.io/IngressClass": ingressClassStrategy,
  "networking.k8s.io/NetworkPolicy": networkPolicyStrategy,
  "node.k8s.io/RuntimeClass": runtimeClassStrategy,
  "policy/PodDisruptionBudget": pdbStrategy,
  "rbac.authorization.k8s.io/ClusterRole": clusterRoleStrategy,
  "rbac.authorization.k8s.io/ClusterRoleBinding": clusterRoleBindingStrategy,
  "rbac.authorization.k8s.io/Role": roleStrategy,
  "rbac.authorization.k8s.io/RoleBinding": roleBindingStrategy,
  "scheduling.k8s.io/PriorityClass": priorityClassStrategy,
  "storage.k8s.io/StorageClass": storageClassStrategy,
  "apiextensions.k8s.io/CustomResourceDefinition": crdStrategy,
  "apiregistration.k8s.io/APIService": apiServiceStrategy,
};

const BUILT_IN_GROUPS = new Set(RESOURCES.map((r) => r.group));

/** Built-in kinds without rules of their own: no defaults, no validation beyond metadata. */
const PERMISSIVE: Strategy = {};
/** Custom resources: upstream's customResourceStrategy bumps the generation on spec changes. */
const CUSTOM_RESOURCE: Strategy = { generation: true };

export function strategyFor(group: string, kind: string): Strategy {
  return TABLE[`${group}/${kind}`] ?? (BUILT_IN_GROUPS.has(group) ? PERMISSIVE : CUSTOM_RESOURCE);
}

const EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

const FIELDS: Record<string, string[]> = {
  "/Pod": [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  "/Event": EVENT_FIELDS,
  "events.k8s.io/Event": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
  ],
  "/Node": ["spec.unschedulable"],
  "/Secret": ["type"],
  "/Namespace": ["status.phase"],
  "/ReplicationController": ["status.replicas"],
  "apps/ReplicaSet": ["status.replicas"],
  "batch/Job": ["status.successful"],
  "/Service": ["spec.clusterIP", "spec.type"],
  "certificates.k8s.io/CertificateSigningRequest": ["spec.signerName"],
};

/**
 * Field-selector labels of a kind: metadata.name, metadata.namespace and what its strategy's
 * `fields` returns. Anything else is upstream's 400 `field label not supported: <label>`.
 */
export function supportedFields(group: string, kind: string): string[] {
  return ["metadata.name", "metadata.namespace", ...(FIELDS[`${group}/${kind}`] ?? [])];
}
