// Test support: a tiny fake apiserver on 127.0.0.1 that real kubectl can talk to (version 1.32,
// legacy discovery), records every request body and answers creates with the decoded object.
// It is how the protobuf fixtures in components/apiserver/protobuf/testdata/ were captured
// (kubectl-wire spec, appendix A).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeKubernetesProtobuf } from "../../components/apiserver/protobuf/decode-kubernetes-protobuf.ts";

export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Uint8Array;
}

export interface KubectlCaptureServer {
  /** Every request kubectl made, oldest first. */
  requests: CapturedRequest[];
  /** Runs the kubectl on PATH against the server; resolves with its exit code and output. */
  kubectl(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

type Resource = [name: string, kind: string, namespaced: boolean, verbs?: string[]];

const crud = ["create", "delete", "get", "list", "patch", "update", "watch"];
const groups: Record<string, Resource[]> = {
  v1: [
    ["pods", "Pod", true],
    ["namespaces", "Namespace", false],
    ["nodes", "Node", false],
    ["configmaps", "ConfigMap", true],
    ["secrets", "Secret", true],
    ["services", "Service", true],
    ["serviceaccounts", "ServiceAccount", true],
    ["resourcequotas", "ResourceQuota", true],
  ],
  "apps/v1": [
    ["deployments", "Deployment", true],
    ["replicasets", "ReplicaSet", true],
    ["statefulsets", "StatefulSet", true],
    ["daemonsets", "DaemonSet", true],
  ],
  "batch/v1": [
    ["jobs", "Job", true],
    ["cronjobs", "CronJob", true],
  ],
  "autoscaling/v2": [["horizontalpodautoscalers", "HorizontalPodAutoscaler", true]],
  "autoscaling/v1": [["horizontalpodautoscalers", "HorizontalPodAutoscaler", true]],
  "policy/v1": [["poddisruptionbudgets", "PodDisruptionBudget", true]],
  "authentication.k8s.io/v1": [
    ["selfsubjectreviews", "SelfSubjectReview", false, ["create"]],
    ["tokenreviews", "TokenReview", false, ["create"]],
  ],
  "authorization.k8s.io/v1": [
    ["selfsubjectaccessreviews", "SelfSubjectAccessReview", false, ["create"]],
    ["selfsubjectrulesreviews", "SelfSubjectRulesReview", false, ["create"]],
    ["subjectaccessreviews", "SubjectAccessReview", false, ["create"]],
  ],
  "rbac.authorization.k8s.io/v1": [
    ["roles", "Role", true],
    ["rolebindings", "RoleBinding", true],
    ["clusterroles", "ClusterRole", false],
    ["clusterrolebindings", "ClusterRoleBinding", false],
  ],
  "scheduling.k8s.io/v1": [["priorityclasses", "PriorityClass", false]],
  "networking.k8s.io/v1": [
    ["ingresses", "Ingress", true],
    ["ingressclasses", "IngressClass", false],
    ["networkpolicies", "NetworkPolicy", true],
  ],
};

/** Subresources kubectl looks up in discovery: name, group, version, kind, verbs. */
const subresources: Record<string, [string, string, string, string, string[]][]> = {
  v1: [
    ["serviceaccounts/token", "authentication.k8s.io", "v1", "TokenRequest", ["create"]],
    ["pods/eviction", "policy", "v1", "Eviction", ["create"]],
  ],
  "apps/v1": [["deployments/scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]]],
};

function resourceList(groupVersion: string, resources: Resource[]) {
  const list = resources.map(([name, kind, namespaced, verbs]) => ({
    name,
    singularName: kind.toLowerCase(),
    namespaced,
    kind,
    verbs: verbs ?? crud,
  }));
  for (const [name, group, version, kind, verbs] of subresources[groupVersion] ?? []) {
    list.push({ name, singularName: "", namespaced: true, kind, verbs, ...{ group, version } });
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources: list };
}

function groupList() {
  const byGroup = new Map<string, string[]>();
  for (const groupVersion of Object.keys(groups)) {
    if (groupVersion === "v1") continue;
    const [group] = groupVersion.split("/");
    byGroup.set(group!, [...(byGroup.get(group!) ?? []), groupVersion]);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...byGroup].map(([name, versions]) => {
      const entries = versions.map((groupVersion) => ({ groupVersion, version: groupVersion.split("/")[1] }));
      return { name, versions: entries, preferredVersion: entries[0] };
    }),
  };
}

/** The object kubectl expects back from a create, with the status a real server would fill in. */
function createdObject(object: Record<string, unknown>): Record<string, unknown> {
  const answer = structuredClone(object);
  if (object.kind === "TokenRequest") {
    answer.status = { token: "fake-token", expirationTimestamp: "2030-01-01T00:00:00Z" };
  } else if (object.kind === "SelfSubjectAccessReview") {
    answer.status = { allowed: true };
  } else if (object.kind === "SelfSubjectRulesReview") {
    answer.status = {
      resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
      nonResourceRules: [],
      incomplete: false,
    };
  }
  return answer;
}

const node = { kind: "Node", apiVersion: "v1", metadata: { name: "node1", resourceVersion: "1" }, spec: {} };

/** Objects `kubectl autoscale`, `create job --from` and `drain` read before they write. */
const getFixtures: Record<string, unknown> = {
  "GET /apis/apps/v1/namespaces/default/deployments/web": {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: { name: "web", namespace: "default", uid: "1", resourceVersion: "1" },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: {}, spec: {} } },
  },
  "GET /apis/batch/v1/namespaces/default/cronjobs/cj1": {
    kind: "CronJob",
    apiVersion: "batch/v1",
    metadata: { name: "cj1", namespace: "default", uid: "cj1-uid", resourceVersion: "1" },
    spec: {
      schedule: "@hourly",
      jobTemplate: {
        metadata: { labels: { team: "a" } },
        spec: {
          backoffLimit: 0,
          template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    },
  },
  "GET /api/v1/nodes/node1": node,
  "PATCH /api/v1/nodes/node1": { ...node, spec: { unschedulable: true } },
  "GET /api/v1/pods": {
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: "1" },
    items: [
      {
        metadata: { name: "p1", namespace: "default", uid: "p1-uid", resourceVersion: "1" },
        spec: { nodeName: "node1", containers: [{ name: "c", image: "busybox" }] },
        status: { phase: "Running" },
      },
    ],
  },
};

const json = (body: unknown, status = 200) => Response.json(body, { status });

export function startKubectlCaptureServer(): KubectlCaptureServer {
  const requests: CapturedRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = new Uint8Array(await request.arrayBuffer());
      const contentType = request.headers.get("content-type") ?? "";
      requests.push({ method: request.method, path: url.pathname, contentType, body });
      const path = url.pathname;
      if (path === "/version") return json({ major: "1", minor: "32", gitVersion: "v1.32.4" });
      if (path === "/api") return json({ kind: "APIVersions", versions: ["v1"] });
      if (path === "/apis") return json(groupList());
      if (path === "/api/v1") return json(resourceList("v1", groups.v1!));
      const groupVersion = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
      if (groupVersion && groups[groupVersion]) return json(resourceList(groupVersion, groups[groupVersion]));
      const fixture = getFixtures[`${request.method} ${path}`];
      if (fixture) return json(fixture);
      if (request.method === "POST") {
        try {
          const object = contentType.startsWith("application/vnd.kubernetes.protobuf")
            ? decodeKubernetesProtobuf(body).object
            : (JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>);
          return json(createdObject(object), 201);
        } catch (error) {
          const message = (error as Error).message;
          return json({ kind: "Status", apiVersion: "v1", status: "Failure", message, code: 500 }, 500);
        }
      }
      return json(
        { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 },
        404,
      );
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "kt-"));
  const kubeconfig = join(dir, "kubeconfig.yaml");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: dev, cluster: {server: "http://127.0.0.1:${server.port}"}}]`,
      "contexts: [{name: dev, context: {cluster: dev, namespace: default, user: dev}}]",
      "current-context: dev",
      "users: [{name: dev, user: {}}]",
      "",
    ].join("\n"),
  );
  return {
    requests,
    async kubectl(args) {
      const child = Bun.spawn(
        ["kubectl", `--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, "cache")}`, ...args],
        { stdout: "pipe", stderr: "pipe", env: { ...process.env, KUBECONFIG: kubeconfig } },
      );
      const [stdout, stderr, exitCode] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      return { exitCode, stdout, stderr };
    },
    async stop() {
      await server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
