// The default ClusterRoles every cluster starts with, as upstream's bootstrap policy defines
// them (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, ClusterRoles and NodeRules).
import type { ClusterRole, PolicyRule } from "kubernetes-types/rbac/v1";

export const READ = ["get", "list", "watch"];
export const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
export const READ_WRITE = [...READ, ...WRITE];

/** A resource rule: `rule(verbs, groups, resources, names?)`. */
export function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  const r: PolicyRule = { verbs, apiGroups: groups, resources };
  if (names) r.resourceNames = names;
  return r;
}

export function urls(verbs: string[], paths: string[]): PolicyRule {
  return { verbs, nonResourceURLs: paths };
}

export function eventsRule(): PolicyRule {
  return rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]);
}

export const AGGREGATE = {
  admin: "rbac.authorization.k8s.io/aggregate-to-admin",
  edit: "rbac.authorization.k8s.io/aggregate-to-edit",
  view: "rbac.authorization.k8s.io/aggregate-to-view",
} as const;

function role(name: string, rules: PolicyRule[], labels: Record<string, string> = {}): ClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels },
    rules,
  };
}

function aggregated(name: string, selectorKey: string, labels: Record<string, string> = {}): ClusterRole {
  return {
    ...role(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [selectorKey]: "true" } }] },
  };
}

/** What the Node authorizer and the system:node role grant a kubelet (upstream NodeRules). */
export function nodeRules(): PolicyRule[] {
  return [
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
    rule(READ, [""], ["services"]),
    rule(["create", "get", "list", "watch"], [""], ["nodes"]),
    rule(["update", "patch"], [""], ["nodes/status"]),
    rule(["update", "patch"], [""], ["nodes"]),
    rule(["create", "update", "patch"], [""], ["events"]),
    rule(READ, [""], ["pods"]),
    rule(["create", "delete"], [""], ["pods"]),
    rule(["update", "patch"], [""], ["pods/status"]),
    rule(["create"], [""], ["pods/eviction"]),
    rule(READ, [""], ["secrets", "configmaps"]),
    rule(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
    rule(["get"], [""], ["endpoints"]),
    rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
    rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
    rule(["get", "update", "patch"], [""], ["persistentvolumeclaims/status"]),
    rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
    rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
    rule(READ, ["node.k8s.io"], ["runtimeclasses"]),
  ];
}

function aggregateToView(): PolicyRule[] {
  return [
    rule(
      READ,
      [""],
      [
        "pods",
        "replicationcontrollers",
        "replicationcontrollers/scale",
        "serviceaccounts",
        "services",
        "services/status",
        "endpoints",
        "persistentvolumeclaims",
        "persistentvolumeclaims/status",
        "configmaps",
      ],
    ),
    rule(
      READ,
      [""],
      [
        "limitranges",
        "resourcequotas",
        "bindings",
        "events",
        "pods/status",
        "resourcequotas/status",
        "namespaces/status",
        "replicationcontrollers/status",
        "pods/log",
      ],
    ),
    rule(READ, [""], ["namespaces"]),
    rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
    rule(
      READ,
      ["apps"],
      [
        "controllerrevisions",
        "statefulsets",
        "statefulsets/status",
        "statefulsets/scale",
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "deployments/status",
        "deployments/scale",
        "replicasets",
        "replicasets/status",
        "replicasets/scale",
      ],
    ),
    rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    rule(READ, ["batch"], ["jobs", "jobs/status", "cronjobs", "cronjobs/status"]),
    rule(
      READ,
      ["extensions"],
      [
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "deployments/scale",
        "deployments/status",
        "ingresses",
        "ingresses/status",
        "replicasets",
        "replicasets/scale",
        "replicasets/status",
        "replicationcontrollers/scale",
        "networkpolicies",
      ],
    ),
    rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    rule(READ, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"]),
  ];
}

function aggregateToEdit(): PolicyRule[] {
  const write = ["create", "delete", "deletecollection", "patch", "update"];
  return [
    rule(["impersonate"], [""], ["serviceaccounts"]),
    rule(write, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
    rule(["create"], [""], ["pods/eviction"]),
    rule(
      write,
      [""],
      [
        "replicationcontrollers",
        "replicationcontrollers/scale",
        "serviceaccounts",
        "services",
        "services/proxy",
        "persistentvolumeclaims",
        "configmaps",
        "secrets",
      ],
    ),
    rule(["create"], [""], ["serviceaccounts/token"]),
    rule(
      write,
      ["apps"],
      [
        "statefulsets",
        "statefulsets/scale",
        "daemonsets",
        "deployments",
        "deployments/scale",
        "deployments/rollback",
        "replicasets",
        "replicasets/scale",
      ],
    ),
    rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(write, ["batch"], ["jobs", "cronjobs"]),
    rule(
      write,
      ["extensions"],
      [
        "daemonsets",
        "deployments",
        "deployments/scale",
        "deployments/rollback",
        "ingresses",
        "replicasets",
        "replicasets/scale",
        "replicationcontrollers/scale",
        "networkpolicies",
      ],
    ),
    rule(write, ["policy"], ["poddisruptionbudgets"]),
    rule(write, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
  ];
}

/** upstream's system:kube-scheduler rules. */
function schedulerRules(): PolicyRule[] {
  return [
    eventsRule(),
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
    rule(READ, [""], ["nodes"]),
    rule(["get", "list", "watch", "delete"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding", "bindings"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(READ, [""], ["services", "replicationcontrollers"]),
    rule(READ, ["apps", "extensions"], ["replicasets"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(READ, ["policy"], ["poddisruptionbudgets"]),
    rule(READ, [""], ["persistentvolumeclaims", "persistentvolumes"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(READ, ["storage.k8s.io"], ["csinodes"]),
    rule(READ, [""], ["namespaces"]),
    rule(READ, ["storage.k8s.io"], ["csidrivers"]),
    rule(READ, ["storage.k8s.io"], ["csistoragecapacities"]),
  ];
}

/** upstream's system:kube-controller-manager rules (its own, before the per-controller roles). */
export function controllerManagerRules(): PolicyRule[] {
  return [
    eventsRule(),
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
    rule(["create"], [""], ["secrets", "serviceaccounts"]),
    rule(["delete"], [""], ["secrets"]),
    rule(["get"], [""], ["configmaps", "namespaces", "secrets", "serviceaccounts"]),
    rule(["update"], [""], ["secrets", "serviceaccounts"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
  ];
}

const HEALTH = ["/livez", "/readyz", "/healthz", "/version", "/version/"];

/** Every default ClusterRole but the per-controller ones (bootstrap-controller-roles.ts). */
export function clusterRoles(kubeControllerManagerExtra: PolicyRule[]): ClusterRole[] {
  return [
    role("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
    role("system:discovery", [
      urls(["get"], [...HEALTH, "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"]),
    ]),
    role("system:monitoring", [
      urls(
        ["get"],
        ["/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*"],
      ),
    ]),
    role("system:basic-user", [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ]),
    role("system:public-info-viewer", [urls(["get"], HEALTH)]),
    aggregated("admin", AGGREGATE.admin),
    aggregated("edit", AGGREGATE.edit, { [AGGREGATE.admin]: "true" }),
    aggregated("view", AGGREGATE.view, { [AGGREGATE.edit]: "true" }),
    role(
      "system:aggregate-to-admin",
      [
        rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
        rule(READ_WRITE, ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]),
      ],
      { [AGGREGATE.admin]: "true" },
    ),
    role("system:aggregate-to-edit", aggregateToEdit(), { [AGGREGATE.edit]: "true" }),
    role("system:aggregate-to-view", aggregateToView(), { [AGGREGATE.view]: "true" }),
    role("system:heapster", [
      rule(READ, [""], ["events", "pods", "nodes", "namespaces"]),
      rule(READ, ["extensions"], ["deployments"]),
    ]),
    role("system:node", nodeRules()),
    role("system:node-problem-detector", [
      rule(["get"], [""], ["nodes"]),
      rule(["patch"], [""], ["nodes/status"]),
      eventsRule(),
    ]),
    role("system:kubelet-api-admin", [
      rule(["get", "list", "watch", "proxy"], [""], ["nodes"]),
      rule(["*"], [""], ["nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log"]),
    ]),
    role("system:node-bootstrapper", [
      rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    ]),
    role("system:auth-delegator", [
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    ]),
    role("system:kube-aggregator", [rule(READ, [""], ["services", "endpoints"])]),
    role("system:kube-controller-manager", [...controllerManagerRules(), ...kubeControllerManagerExtra]),
    role("system:kube-dns", [
      rule(["list", "watch"], [""], ["endpoints", "services"]),
      // kube's DNS (components/dns) also follows namespaces and EndpointSlices, and
      // creates kube-system when it is missing.
      rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
      rule(["get", "list", "watch", "create"], [""], ["namespaces"]),
    ]),
    role("system:persistent-volume-provisioner", [
      rule(["get", "list", "watch", "create", "delete"], [""], ["persistentvolumes"]),
      rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      rule(["watch", "create", "update", "patch"], [""], ["events"]),
    ]),
    role("system:volume-scheduler", [
      rule(["get", "list", "watch", "update", "patch"], [""], ["persistentvolumes"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      rule(["get", "list", "watch", "update", "patch"], [""], ["persistentvolumeclaims"]),
    ]),
    role("system:kube-scheduler", schedulerRules()),
    role("system:node-proxier", [
      rule(["list", "watch"], [""], ["services", "endpoints"]),
      rule(READ, [""], ["nodes"]),
      eventsRule(),
      rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
    ]),
    role("system:service-account-issuer-discovery", [
      urls(
        ["get"],
        [
          "/.well-known/openid-configuration",
          "/.well-known/openid-configuration/",
          "/openid/v1/jwks",
          "/openid/v1/jwks/",
        ],
      ),
    ]),
    role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
      rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"]),
    ]),
    role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
      rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"]),
    ]),
    // Who may approve requests for each built-in signer (the CertificateApproval admission check).
    ...[
      ["legacy-unknown-approver", "kubernetes.io/legacy-unknown"],
      ["kubelet-serving-approver", "kubernetes.io/kubelet-serving"],
      ["kube-apiserver-client-approver", "kubernetes.io/kube-apiserver-client"],
      ["kube-apiserver-client-kubelet-approver", "kubernetes.io/kube-apiserver-client-kubelet"],
    ].map(([name, signer]) =>
      role(`system:certificates.k8s.io:${name}`, [
        rule(["approve"], ["certificates.k8s.io"], ["signers"], [signer as string]),
      ]),
    ),
  ];
}
