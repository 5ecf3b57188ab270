// Bodies with values of the wrong JSON type or out of their Go integer range: upstream decodes
// into typed structs and answers 400 with encoding/json's message naming the Go field path
// (wrapped as transformDecodeError wraps it), before anything is stored; volume item paths that
// leave the volume are 422 from validation.
import { APPS, type BadInputCase, NS, post, setAt } from "./bad-input-case.ts";

const configMap = (name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { a: "1" },
});
const deployment = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "x" } },
    template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "i" }] } },
  },
});
const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "i" }] },
});
const service = (name: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { ports: [{ port: 80 }], selector: { app: "x" } },
});
const secret = (name: string) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name },
  data: { a: "MQ==" },
});

interface Kind {
  kind: string;
  path: string;
  make: (name: string) => Record<string, unknown>;
}
const KINDS: Record<string, Kind> = {
  cm: { kind: "ConfigMap", path: `${NS}/configmaps`, make: configMap },
  deploy: { kind: "Deployment", path: `${APPS}/deployments`, make: deployment },
  pod: { kind: "Pod", path: `${NS}/pods`, make: pod },
  svc: { kind: "Service", path: `${NS}/services`, make: service },
  secret: { kind: "Secret", path: `${NS}/secrets`, make: secret },
};

/** [kind, dotted path, value, Go's error text] */
type Row = [keyof typeof KINDS, string, unknown, string];
const field = (value: string, struct: string, type: string) =>
  `json: cannot unmarshal ${value} into Go struct field ${struct} of type ${type}`;
const QUANTITY =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const C0 = "spec.containers.0";
const T0 = "spec.template.spec.containers.0";

const ROWS: Row[] = [
  ["cm", "metadata.name", 5, field("number", "ObjectMeta.metadata.name", "string")],
  ["cm", "metadata.name", true, field("bool", "ObjectMeta.metadata.name", "string")],
  ["cm", "metadata.name", {}, field("object", "ObjectMeta.metadata.name", "string")],
  ["cm", "metadata.name", ["x"], field("array", "ObjectMeta.metadata.name", "string")],
  ["cm", "metadata.labels", ["a"], field("array", "ObjectMeta.metadata.labels", "map[string]string")],
  ["cm", "metadata.labels", "s", field("string", "ObjectMeta.metadata.labels", "map[string]string")],
  ["cm", "metadata.labels", { a: 1 }, field("number", "ObjectMeta.metadata.labels", "string")],
  ["cm", "metadata.annotations", { a: {} }, field("object", "ObjectMeta.metadata.annotations", "string")],
  ["cm", "metadata.annotations", [1], field("array", "ObjectMeta.metadata.annotations", "map[string]string")],
  ["cm", "data", [], field("array", "ConfigMap.data", "map[string]string")],
  ["cm", "data", "x", field("string", "ConfigMap.data", "map[string]string")],
  ["cm", "data", { a: 1 }, field("number", "ConfigMap.data", "string")],
  ["cm", "data", { a: true }, field("bool", "ConfigMap.data", "string")],
  ["cm", "immutable", "yes", field("string", "ConfigMap.immutable", "bool")],
  ["cm", "metadata", "x", field("string", "ConfigMap.metadata", "v1.ObjectMeta")],
  ["cm", "metadata.namespace", 7, field("number", "ObjectMeta.metadata.namespace", "string")],
  ["cm", "metadata.generateName", 1, field("number", "ObjectMeta.metadata.generateName", "string")],
  ["cm", "metadata.finalizers", "x", field("string", "ObjectMeta.metadata.finalizers", "[]string")],
  ["cm", "metadata.finalizers", [1], field("number", "ObjectMeta.metadata.finalizers", "string")],
  [
    "cm",
    "metadata.ownerReferences",
    {},
    field("object", "ObjectMeta.metadata.ownerReferences", "[]v1.OwnerReference"),
  ],
  [
    "cm",
    "metadata.ownerReferences",
    [{ name: 1 }],
    field("number", "OwnerReference.metadata.ownerReferences.name", "string"),
  ],
  ["cm", "metadata.creationTimestamp", 5, field("number", "ObjectMeta.metadata.creationTimestamp", "string")],
  [
    "cm",
    "metadata.deletionGracePeriodSeconds",
    "x",
    field("string", "ObjectMeta.metadata.deletionGracePeriodSeconds", "int64"),
  ],
  ["cm", "metadata.generation", 1.5, field("number 1.5", "ObjectMeta.metadata.generation", "int64")],
  ["cm", "metadata.uid", 5, field("number", "ObjectMeta.metadata.uid", "string")],
  [
    "deploy",
    "spec.replicas",
    1099511627776,
    field("number 1099511627776", "DeploymentSpec.spec.replicas", "int32"),
  ],
  [
    "deploy",
    "spec.replicas",
    -1099511627776,
    field("number -1099511627776", "DeploymentSpec.spec.replicas", "int32"),
  ],
  ["deploy", "spec.replicas", 1.5, field("number 1.5", "DeploymentSpec.spec.replicas", "int32")],
  ["deploy", "spec.replicas", "3", field("string", "DeploymentSpec.spec.replicas", "int32")],
  ["deploy", "spec.minReadySeconds", true, field("bool", "DeploymentSpec.spec.minReadySeconds", "int32")],
  ["deploy", "spec.paused", "no", field("string", "DeploymentSpec.spec.paused", "bool")],
  ["deploy", "spec.selector", [], field("array", "DeploymentSpec.spec.selector", "v1.LabelSelector")],
  ["deploy", "spec.template", "x", field("string", "DeploymentSpec.spec.template", "v1.PodTemplateSpec")],
  [
    "deploy",
    "spec.template.spec.containers",
    {},
    field("object", "PodSpec.spec.template.spec.containers", "[]v1.Container"),
  ],
  ["deploy", `${T0}.image`, 5, field("number", "Container.spec.template.spec.containers.image", "string")],
  [
    "deploy",
    `${T0}.ports`,
    [{ containerPort: 2 ** 31 }],
    field("number 2147483648", "ContainerPort.spec.template.spec.containers.ports.containerPort", "int32"),
  ],
  [
    "deploy",
    "spec.revisionHistoryLimit",
    1e12,
    field("number 1000000000000", "DeploymentSpec.spec.revisionHistoryLimit", "int32"),
  ],
  [
    "deploy",
    "spec.progressDeadlineSeconds",
    [],
    field("array", "DeploymentSpec.spec.progressDeadlineSeconds", "int32"),
  ],
  [
    "deploy",
    "spec.template.metadata.labels",
    [1],
    field("array", "ObjectMeta.spec.template.metadata.labels", "map[string]string"),
  ],
  ["pod", `${C0}.resources.limits`, { cpu: "lots" }, QUANTITY],
  ["pod", `${C0}.resources.requests`, { memory: {} }, QUANTITY],
  ["pod", `${C0}.env`, "x", field("string", "Container.spec.containers.env", "[]v1.EnvVar")],
  [
    "pod",
    `${C0}.env`,
    [{ name: "A", value: 5 }],
    field("number", "EnvVar.spec.containers.env.value", "string"),
  ],
  [
    "pod",
    "spec.terminationGracePeriodSeconds",
    "30",
    field("string", "PodSpec.spec.terminationGracePeriodSeconds", "int64"),
  ],
  [
    "pod",
    "spec.activeDeadlineSeconds",
    1.5,
    field("number 1.5", "PodSpec.spec.activeDeadlineSeconds", "int64"),
  ],
  [
    "pod",
    "spec.securityContext.runAsUser",
    "root",
    field("string", "PodSecurityContext.spec.securityContext.runAsUser", "int64"),
  ],
  ["pod", "spec.hostNetwork", "true", field("string", "PodSpec.spec.hostNetwork", "bool")],
  ["pod", "spec.nodeSelector", [], field("array", "PodSpec.spec.nodeSelector", "map[string]string")],
  ["pod", "spec.tolerations", {}, field("object", "PodSpec.spec.tolerations", "[]v1.Toleration")],
  [
    "pod",
    "spec.volumes",
    [{ name: "v", configMap: { name: "c", defaultMode: "0644" } }],
    field("string", "ConfigMapVolumeSource.spec.volumes.configMap.defaultMode", "int32"),
  ],
  [
    "pod",
    `${C0}.readinessProbe`,
    { httpGet: { port: true } },
    field("bool", "HTTPGetAction.spec.containers.readinessProbe.httpGet.port", "int32"),
  ],
  [
    "pod",
    `${C0}.ports`,
    [{ containerPort: "80" }],
    field("string", "ContainerPort.spec.containers.ports.containerPort", "int32"),
  ],
  ["pod", `${C0}.args`, "sleep 1", field("string", "Container.spec.containers.args", "[]string")],
  ["pod", `${C0}.command`, [["sh"]], field("array", "Container.spec.containers.command", "string")],
  ["svc", "spec.ports", [{ port: "80" }], field("string", "ServicePort.spec.ports.port", "int32")],
  [
    "svc",
    "spec.ports",
    [{ port: 80, targetPort: true }],
    field("bool", "ServicePort.spec.ports.targetPort", "int32"),
  ],
  [
    "svc",
    "spec.ports",
    [{ port: 80, targetPort: 2 ** 40 }],
    field("number 1099511627776", "ServicePort.spec.ports.targetPort", "int32"),
  ],
  ["svc", "spec.selector", [], field("array", "ServiceSpec.spec.selector", "map[string]string")],
  ["svc", "spec.clusterIP", 1, field("number", "ServiceSpec.spec.clusterIP", "string")],
  ["svc", "spec.ports", {}, field("object", "ServiceSpec.spec.ports", "[]v1.ServicePort")],
  ["secret", "stringData", [], field("array", "Secret.stringData", "map[string]string")],
  ["secret", "immutable", 1, field("number", "Secret.immutable", "bool")],
];

/** [volume, field, value, detail] */
type PathRow = [Record<string, unknown>, string, string, string];
const PATH_ROWS: PathRow[] = [
  [
    { configMap: { name: "c", items: [{ key: "a", path: "../../x" }] } },
    "configMap.items[0].path",
    "../../x",
    "must not contain '..'",
  ],
  [
    { secret: { secretName: "s", items: [{ key: "a", path: "/etc/passwd" }] } },
    "secret.items[0].path",
    "/etc/passwd",
    "must be a relative path",
  ],
  [
    { downwardAPI: { items: [{ path: "..data", fieldRef: { fieldPath: "metadata.name" } }] } },
    "downwardAPI.items[0].path",
    "..data",
    "must not start with '..'",
  ],
  [
    { projected: { sources: [{ serviceAccountToken: { path: "a/../../t" } }] } },
    "projected.sources[0].serviceAccountToken.path",
    "a/../../t",
    "must not contain '..'",
  ],
  [
    { projected: { sources: [{ configMap: { name: "c", items: [{ key: "k", path: ".." }] } }] } },
    "projected.sources[0].configMap.items[0].path",
    "..",
    "must not contain '..'",
  ],
];

export const TYPE_CASES: BadInputCase[] = [
  ...ROWS.map(([k, path, value, goMessage], i): BadInputCase => {
    const kind = KINDS[k] as Kind;
    return {
      name: `${kind.kind} ${path}: ${JSON.stringify(value)}`,
      send: (t) => post(t.api, kind.path, setAt(kind.make(`typed-${i}`), path, value)),
      code: 400,
      reason: "BadRequest",
      message: `${kind.kind} in version "v1" cannot be handled as a ${kind.kind}: ${goMessage}`,
    };
  }),
  ...PATH_ROWS.map(
    ([volume, at, value, detail], i): BadInputCase => ({
      name: `Pod volume ${at}: ${value}`,
      send: (t) =>
        post(t.api, `${NS}/pods`, setAt(pod(`paths-${i}`), "spec.volumes", [{ name: "v", ...volume }])),
      code: 422,
      reason: "Invalid",
      message: `Pod "paths-${i}" is invalid: spec.volumes[0].${at}: Invalid value: ${JSON.stringify(value)}: ${detail}`,
    }),
  ),
];
