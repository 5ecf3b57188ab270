// The `system:controller:<name>` ClusterRoles of the controllers kube runs, bound to their
// ServiceAccounts in kube-system, as upstream's controller_policy.go; plus kube's own
// controllers' needs (service-lb). kube runs every controller as system:kube-controller-manager
// (upstream without --use-service-account-credentials), so that role gets the union of these.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from "kubernetes-types/rbac/v1";
import { eventsRule, READ, rule } from "./bootstrap-cluster-roles.ts";

const ALL_VERBS_BUT_WATCH = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** Controller name (its ServiceAccount in kube-system) to its rules. */
export function controllerRules(): Record<string, PolicyRule[]> {
  return {
    "certificate-controller": [
      rule(["get", "list", "watch", "delete"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
      rule(
        ["update"],
        ["certificates.k8s.io"],
        ["certificatesigningrequests/status", "certificatesigningrequests/approval"],
      ),
      rule(
        ["approve"],
        ["certificates.k8s.io"],
        ["signers"],
        ["kubernetes.io/kube-apiserver-client-kubelet"],
      ),
      rule(
        ["sign"],
        ["certificates.k8s.io"],
        ["signers"],
        [
          "kubernetes.io/legacy-unknown",
          "kubernetes.io/kube-apiserver-client",
          "kubernetes.io/kube-apiserver-client-kubelet",
          "kubernetes.io/kubelet-serving",
        ],
      ),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      eventsRule(),
    ],
    "clusterrole-aggregation-controller": [
      rule(
        ["escalate", "get", "list", "watch", "update", "patch"],
        ["rbac.authorization.k8s.io"],
        ["clusterroles"],
      ),
    ],
    "cronjob-controller": [
      rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
      rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
      rule(["update"], ["batch"], ["cronjobs/status"]),
      rule(["update"], ["batch"], ["cronjobs/finalizers"]),
      rule(["list", "delete"], [""], ["pods"]),
      eventsRule(),
    ],
    "daemon-set-controller": [
      rule(READ, ["extensions", "apps"], ["daemonsets"]),
      rule(["update"], ["extensions", "apps"], ["daemonsets/status"]),
      rule(["update"], ["extensions", "apps"], ["daemonsets/finalizers"]),
      rule(["list", "watch"], [""], ["nodes"]),
      rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
      rule(["create"], [""], ["pods/binding"]),
      rule(ALL_VERBS_BUT_WATCH, ["apps"], ["controllerrevisions"]),
      eventsRule(),
    ],
    "deployment-controller": [
      rule(["get", "list", "watch", "update"], ["extensions", "apps"], ["deployments"]),
      rule(["update"], ["extensions", "apps"], ["deployments/status"]),
      rule(["update"], ["extensions", "apps"], ["deployments/finalizers"]),
      rule(ALL_VERBS_BUT_WATCH, ["extensions", "apps"], ["replicasets"]),
      rule(["get", "list", "watch", "update"], [""], ["pods"]),
      eventsRule(),
    ],
    "disruption-controller": [
      rule(READ, ["extensions", "apps"], ["deployments"]),
      rule(READ, ["apps", "extensions"], ["replicasets"]),
      rule(READ, [""], ["replicationcontrollers"]),
      rule(READ, ["policy"], ["poddisruptionbudgets"]),
      rule(READ, ["apps"], ["statefulsets"]),
      rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
      rule(["get"], ["*"], ["*/scale"]),
      rule(["patch", "update"], [""], ["pods/status"]),
      eventsRule(),
    ],
    "endpoint-controller": [
      rule(READ, [""], ["services", "pods"]),
      rule(["get", "list", "create", "update", "delete"], [""], ["endpoints"]),
      rule(["create"], [""], ["endpoints/restricted"]),
      eventsRule(),
    ],
    "endpointslice-controller": [
      rule(READ, [""], ["services", "pods", "nodes"]),
      rule(["update"], [""], ["services/finalizers"]),
      rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
      eventsRule(),
    ],
    "generic-garbage-collector": [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"])],
    "horizontal-pod-autoscaler": [
      rule(READ, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
      rule(["get", "update"], ["*"], ["*/scale"]),
      rule(["list"], [""], ["pods"]),
      rule(["get", "list"], ["metrics.k8s.io"], ["pods"]),
      rule(["get", "list"], ["custom.metrics.k8s.io"], ["*"]),
      rule(["get", "list"], ["external.metrics.k8s.io"], ["*"]),
      eventsRule(),
    ],
    "job-controller": [
      rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
      rule(["update"], ["batch"], ["jobs/status"]),
      rule(["update"], ["batch"], ["jobs/finalizers"]),
      rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
      eventsRule(),
    ],
    "namespace-controller": [
      rule(["get", "list", "watch", "delete"], [""], ["namespaces"]),
      rule(["update"], [""], ["namespaces/finalize", "namespaces/status"]),
      rule(["get", "list", "delete", "deletecollection"], ["*"], ["*"]),
    ],
    "node-controller": [
      rule(["get", "list", "update", "delete", "patch"], [""], ["nodes"]),
      rule(["patch", "update"], [""], ["nodes/status"]),
      rule(["patch", "update"], [""], ["pods/status"]),
      rule(["list", "delete"], [""], ["pods"]),
      eventsRule(),
    ],
    "pod-garbage-collector": [
      rule(["list", "watch", "delete"], [""], ["pods"]),
      rule(["get", "list"], [""], ["nodes"]),
      rule(["patch"], [""], ["pods/status"]),
    ],
    "replicaset-controller": [
      rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
      rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
      rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
      rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
      eventsRule(),
    ],
    "replication-controller": [
      rule(["get", "list", "watch", "update"], [""], ["replicationcontrollers"]),
      rule(["update"], [""], ["replicationcontrollers/status"]),
      rule(["update"], [""], ["replicationcontrollers/finalizers"]),
      rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
      eventsRule(),
    ],
    "resourcequota-controller": [
      rule(["list", "watch"], ["*"], ["*"]),
      rule(["update"], [""], ["resourcequotas/status"]),
      eventsRule(),
    ],
    "root-ca-cert-publisher": [rule(["create", "update"], [""], ["configmaps"]), eventsRule()],
    "service-account-controller": [rule(["create"], [""], ["serviceaccounts"]), eventsRule()],
    "service-controller": [
      rule(READ, [""], ["services"]),
      rule(["patch", "update"], [""], ["services/status"]),
      rule(["list", "watch"], [""], ["nodes"]),
      eventsRule(),
    ],
    "statefulset-controller": [
      rule(["list", "watch"], [""], ["pods"]),
      rule(READ, ["apps"], ["statefulsets"]),
      rule(["update"], ["apps"], ["statefulsets/status"]),
      rule(["update"], ["apps"], ["statefulsets/finalizers"]),
      rule(["get", "create", "delete", "update", "patch"], [""], ["pods"]),
      rule(
        ["get", "create", "delete", "update", "patch", "list", "watch"],
        ["apps"],
        ["controllerrevisions"],
      ),
      rule(["get", "create"], [""], ["persistentvolumeclaims"]),
      rule(["update", "delete"], [""], ["persistentvolumeclaims"]),
      eventsRule(),
    ],
    "taint-eviction-controller": [
      rule(["patch", "update"], [""], ["pods/status"]),
      rule(["list", "watch", "delete", "get"], [""], ["pods"]),
      rule(["list", "watch"], [""], ["nodes"]),
      eventsRule(),
    ],
    "ttl-after-finished-controller": [
      rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]),
      eventsRule(),
    ],
    "ttl-controller": [rule(["update", "patch", "list", "watch"], [""], ["nodes"]), eventsRule()],
  };
}

/**
 * kube's own controllers that upstream has no role for: service-lb (k3s's servicelb) writes
 * Service status from the Ready nodes' addresses.
 */
export function kubeControllerRules(): PolicyRule[] {
  return [rule(READ, [""], ["services", "nodes"]), rule(["patch", "update"], [""], ["services/status"])];
}

export function controllerRoles(): ClusterRole[] {
  return Object.entries(controllerRules()).map(([name, rules]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: `system:controller:${name}`, labels: {} },
    rules,
  }));
}

export function controllerRoleBindings(): ClusterRoleBinding[] {
  return Object.keys(controllerRules()).map((name) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: `system:controller:${name}`, labels: {} },
    roleRef: {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: `system:controller:${name}`,
    },
    subjects: [{ kind: "ServiceAccount", name, namespace: "kube-system" }],
  }));
}
