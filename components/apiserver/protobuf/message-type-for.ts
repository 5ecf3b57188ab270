// Which protobuf message a body of a given apiVersion and kind is: group/version names the
// package (upstream's k8s.io/api/<group>/<version>/generated.proto, the core group is "core").
import type { Type } from "protobufjs";
import { kubernetesProtoRoot } from "./kubernetes-proto-root.ts";

const metaPackage = "k8s.io.apimachinery.pkg.apis.meta.v1";

/** The kinds served per group/version, with the proto package that defines them. */
const servedKinds: Record<string, { package: string; kinds: readonly string[] }> = {
  v1: {
    package: "k8s.io.api.core.v1",
    kinds: [
      "Binding",
      "ConfigMap",
      "LimitRange",
      "Namespace",
      "Node",
      "PersistentVolumeClaim",
      "Pod",
      "PodTemplate",
      "ReplicationController",
      "ResourceQuota",
      "Secret",
      "Service",
      "ServiceAccount",
    ],
  },
  "apps/v1": {
    package: "k8s.io.api.apps.v1",
    kinds: ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
  },
  "batch/v1": { package: "k8s.io.api.batch.v1", kinds: ["CronJob", "Job"] },
  "autoscaling/v1": { package: "k8s.io.api.autoscaling.v1", kinds: ["HorizontalPodAutoscaler", "Scale"] },
  "autoscaling/v2": { package: "k8s.io.api.autoscaling.v2", kinds: ["HorizontalPodAutoscaler"] },
  "policy/v1": { package: "k8s.io.api.policy.v1", kinds: ["Eviction", "PodDisruptionBudget"] },
  "authentication.k8s.io/v1": {
    package: "k8s.io.api.authentication.v1",
    kinds: ["SelfSubjectReview", "TokenRequest", "TokenReview"],
  },
  "authorization.k8s.io/v1": {
    package: "k8s.io.api.authorization.v1",
    kinds: [
      "LocalSubjectAccessReview",
      "SelfSubjectAccessReview",
      "SelfSubjectRulesReview",
      "SubjectAccessReview",
    ],
  },
  "rbac.authorization.k8s.io/v1": {
    package: "k8s.io.api.rbac.v1",
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
  },
  "scheduling.k8s.io/v1": { package: "k8s.io.api.scheduling.v1", kinds: ["PriorityClass"] },
  "certificates.k8s.io/v1": { package: "k8s.io.api.certificates.v1", kinds: ["CertificateSigningRequest"] },
  "networking.k8s.io/v1": {
    package: "k8s.io.api.networking.v1",
    kinds: ["Ingress", "IngressClass", "NetworkPolicy"],
  },
};

/** Options kinds every group/version accepts (upstream registers them with AddToGroupVersion). */
const metaKinds = new Set(["DeleteOptions", "Status"]);

/** The message type for apiVersion+kind, or undefined when kube has no schema for it. */
export function messageTypeFor(apiVersion: string, kind: string): Type | undefined {
  const served = Object.hasOwn(servedKinds, apiVersion) ? servedKinds[apiVersion] : undefined;
  let name: string | undefined;
  if (served?.kinds.includes(kind)) name = `${served.package}.${kind}`;
  else if (metaKinds.has(kind) && (served || apiVersion === "meta.k8s.io/v1"))
    name = `${metaPackage}.${kind}`;
  if (!name) return undefined;
  return kubernetesProtoRoot().lookupType(name);
}

/** Every apiVersion/kind pair with a schema, for tests and error messages. */
export function supportedKinds(): { apiVersion: string; kind: string }[] {
  return Object.entries(servedKinds).flatMap(([apiVersion, { kinds }]) =>
    kinds.map((kind) => ({ apiVersion, kind })),
  );
}
