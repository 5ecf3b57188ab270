// printerFor: the Table printer of a built-in kind by API group and kind, or the default Name + Created At.
// Upstream: pkg/printers/internalversion/printers.go (AddHandlers) registers one handler per internal type;
// kinds it has no handler for (Role, ClusterRole, LimitRange, CRDs, ...) use rest/table.go's default.

import {
  flowSchemaPrinter,
  priorityLevelConfigurationPrinter,
  validatingAdmissionPolicyBindingPrinter,
  validatingAdmissionPolicyPrinter,
  webhookConfigurationPrinter,
} from "./admission-printers.ts";
import { apiServicePrinter } from "./apiservice-printer.ts";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from "./apps-printers.ts";
import { cronJobPrinter, jobPrinter } from "./batch-printers.ts";
import {
  certificateSigningRequestPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  runtimeClassPrinter,
  scalePrinter,
} from "./cluster-printers.ts";
import {
  componentStatusPrinter,
  configMapPrinter,
  namespacePrinter,
  podTemplatePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from "./core-printers.ts";
import { defaultPrinter } from "./default-printer.ts";
import { eventPrinter, eventsV1EventPrinter } from "./event-printer.ts";
import { horizontalPodAutoscalerPrinter } from "./hpa-printer.ts";
import {
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
} from "./networking-printers.ts";
import { nodePrinter } from "./node-printer.ts";
import { podPrinter } from "./pod-printer.ts";
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac-printers.ts";
import { endpointsPrinter, servicePrinter } from "./service-printers.ts";
import {
  csiDriverPrinter,
  csiNodePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from "./storage-printers.ts";
import type { Printer } from "./table-types.ts";
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from "./volume-printers.ts";

/** Keyed by `group/Kind`; the core group is "". */
const printers = new Map<string, Printer>([
  ["/Pod", podPrinter],
  ["/PodTemplate", podTemplatePrinter],
  ["/ReplicationController", replicationControllerPrinter],
  ["/Service", servicePrinter],
  ["/Endpoints", endpointsPrinter],
  ["/Node", nodePrinter],
  ["/Namespace", namespacePrinter],
  ["/Event", eventPrinter],
  ["/Secret", secretPrinter],
  ["/ServiceAccount", serviceAccountPrinter],
  ["/ConfigMap", configMapPrinter],
  ["/ResourceQuota", resourceQuotaPrinter],
  ["/ComponentStatus", componentStatusPrinter],
  ["/PersistentVolume", persistentVolumePrinter],
  ["/PersistentVolumeClaim", persistentVolumeClaimPrinter],
  ["apps/Deployment", deploymentPrinter],
  ["apps/ReplicaSet", replicaSetPrinter],
  ["apps/DaemonSet", daemonSetPrinter],
  ["apps/StatefulSet", statefulSetPrinter],
  ["apps/ControllerRevision", controllerRevisionPrinter],
  ["batch/Job", jobPrinter],
  ["batch/CronJob", cronJobPrinter],
  ["autoscaling/HorizontalPodAutoscaler", horizontalPodAutoscalerPrinter],
  ["autoscaling/Scale", scalePrinter],
  ["coordination.k8s.io/Lease", leasePrinter],
  ["discovery.k8s.io/EndpointSlice", endpointSlicePrinter],
  ["events.k8s.io/Event", eventsV1EventPrinter],
  ["networking.k8s.io/Ingress", ingressPrinter],
  ["networking.k8s.io/IngressClass", ingressClassPrinter],
  ["networking.k8s.io/NetworkPolicy", networkPolicyPrinter],
  ["policy/PodDisruptionBudget", podDisruptionBudgetPrinter],
  ["rbac.authorization.k8s.io/RoleBinding", roleBindingPrinter],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", clusterRoleBindingPrinter],
  ["storage.k8s.io/StorageClass", storageClassPrinter],
  ["storage.k8s.io/VolumeAttachment", volumeAttachmentPrinter],
  ["storage.k8s.io/CSIDriver", csiDriverPrinter],
  ["storage.k8s.io/CSINode", csiNodePrinter],
  ["scheduling.k8s.io/PriorityClass", priorityClassPrinter],
  ["node.k8s.io/RuntimeClass", runtimeClassPrinter],
  ["certificates.k8s.io/CertificateSigningRequest", certificateSigningRequestPrinter],
  ["admissionregistration.k8s.io/MutatingWebhookConfiguration", webhookConfigurationPrinter],
  ["admissionregistration.k8s.io/ValidatingWebhookConfiguration", webhookConfigurationPrinter],
  ["admissionregistration.k8s.io/ValidatingAdmissionPolicy", validatingAdmissionPolicyPrinter],
  ["admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding", validatingAdmissionPolicyBindingPrinter],
  ["apiregistration.k8s.io/APIService", apiServicePrinter],
  ["flowcontrol.apiserver.k8s.io/FlowSchema", flowSchemaPrinter],
  ["flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration", priorityLevelConfigurationPrinter],
]);

/** The printer for `kind` in API `group` ("" for core); `XList` kinds resolve to `X`. */
export function printerFor(group: string, kind: string): Printer {
  const itemKind = kind.endsWith("List") && kind !== "List" ? kind.slice(0, -"List".length) : kind;
  return printers.get(`${group}/${itemKind}`) ?? printers.get(`${group}/${kind}`) ?? defaultPrinter;
}

/** Whether `printerFor` has a kind-specific printer (not the Name + Created At default). */
export function hasPrinter(group: string, kind: string): boolean {
  return printerFor(group, kind) !== defaultPrinter;
}
