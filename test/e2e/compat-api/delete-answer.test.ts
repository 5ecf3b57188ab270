// What a DELETE answers, against the real clients: upstream's Success Status naming the
// resource (kubectl delete --raw prints it, python3-kubernetes and @kubernetes/client-node read
// it as V1Status) for most kinds; the object for pods, services, namespaces, PVs, PVCs, service
// accounts and storage classes, and for any object only marked (finalizers), 202 when cascading.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import * as k8s from "@kubernetes/client-node";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { runProcess } from "../../harness/run-process.ts";
import { kubectlVersion } from "../streaming/kubectl-streams.ts";

const HAVE_KUBECTL = kubectlBinary() !== null;
const PYTHON = "/usr/bin/python3";
const HAVE_PYTHON = spawnSync(PYTHON, ["-c", "import kubernetes"]).status === 0;
const CMS = "/api/v1/namespaces/default/configmaps";
let api: TestApiserver;
let client: ApiClient;
let kubectl: Kubectl;

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  kubectl = kubectlFor(api.url);
});

afterAll(async () => {
  kubectl?.cleanup();
  await api?.stop();
});

const cm = (name: string, finalizers?: string[]) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: finalizers ? { name, finalizers } : { name },
  data: { k: "v" },
});

async function del(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${api.url}${path}`, { method: "DELETE" });
  return { status: res.status, text: await res.text() };
}

test("a removed Deployment answers upstream's Status byte for byte", async () => {
  const created = await client.create<{ metadata: { uid: string } }>(
    "/apis/apps/v1/namespaces/default/deployments",
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "kt-web" },
      spec: {
        selector: { matchLabels: { app: "kt-web" } },
        template: {
          metadata: { labels: { app: "kt-web" } },
          spec: { containers: [{ name: "c", image: "busybox" }] },
        },
      },
    },
  );
  const res = await del("/apis/apps/v1/namespaces/default/deployments/kt-web");
  expect(res.status).toBe(200);
  expect(res.text).toBe(
    `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"kt-web","group":"apps","kind":"deployments","uid":"${created.metadata.uid}"}}\n`,
  );
});

test("a dry-run delete answers the Status too and leaves the object", async () => {
  await client.create(CMS, cm("kt-dry"));
  const res = await del(`${CMS}/kt-dry?dryRun=All`);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toMatchObject({
    kind: "Status",
    details: { name: "kt-dry", kind: "configmaps" },
  });
  expect((await client.get<{ metadata: { name: string } }>(`${CMS}/kt-dry`)).metadata.name).toBe("kt-dry");
});

test("an object held by a finalizer is answered as marked; 200, or 202 with orphanDependents=false", async () => {
  await client.create(CMS, cm("kt-held", ["kt.example.com/hold"]));
  const first = await del(`${CMS}/kt-held`);
  expect(first.status).toBe(200);
  const marked = JSON.parse(first.text) as { kind: string; metadata: { deletionTimestamp?: string } };
  expect(marked.kind).toBe("ConfigMap");
  expect(marked.metadata.deletionTimestamp).toBeString();
  const again = await del(`${CMS}/kt-held?orphanDependents=false`);
  expect(again.status).toBe(202);
  expect(JSON.parse(again.text).kind).toBe("ConfigMap");
  await client.patch(`${CMS}/kt-held`, { metadata: { finalizers: null } });
});

test("pods, services, namespaces, PVs, PVCs, service accounts and storage classes answer the object", async () => {
  const objects: [string, Record<string, unknown>][] = [
    [
      "/api/v1/namespaces/default/pods",
      { kind: "Pod", metadata: { name: "kt-p" }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    ],
    [
      "/api/v1/namespaces/default/services",
      { kind: "Service", metadata: { name: "kt-s" }, spec: { ports: [{ port: 80 }] } },
    ],
    ["/api/v1/namespaces/default/serviceaccounts", { kind: "ServiceAccount", metadata: { name: "kt-sa" } }],
    [
      "/api/v1/persistentvolumes",
      {
        kind: "PersistentVolume",
        metadata: { name: "kt-pv" },
        spec: {
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          hostPath: { path: "/tmp/kt-pv" },
        },
      },
    ],
    [
      "/api/v1/namespaces/default/persistentvolumeclaims",
      {
        kind: "PersistentVolumeClaim",
        metadata: { name: "kt-pvc" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ],
    [
      "/apis/storage.k8s.io/v1/storageclasses",
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "kt-sc" },
        provisioner: "kt.example.com/x",
      },
    ],
  ];
  for (const [path, body] of objects) {
    await client.create(path, { apiVersion: "v1", ...body });
    const name = (body.metadata as { name: string }).name;
    const res = await del(`${path}/${name}`);
    expect(res.status, path).toBe(200);
    const answer = JSON.parse(res.text) as { kind: string; metadata: { name: string } };
    expect([answer.kind, answer.metadata.name]).toEqual([body.kind as string, name]);
  }
  await client.create("/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "kt-gone" },
  });
  const ns = JSON.parse((await del("/api/v1/namespaces/kt-gone")).text) as {
    kind: string;
    status: { phase: string };
  };
  expect([ns.kind, ns.status.phase]).toEqual(["Namespace", "Terminating"]);
});

test.skipIf(!HAVE_KUBECTL)(
  "kubectl delete --raw prints the Status; kubectl delete still says deleted",
  async () => {
    await client.create(CMS, cm("kt-raw"));
    const raw = await kubectl(["delete", "--raw", `${CMS}/kt-raw`]);
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout)).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Success",
      details: { name: "kt-raw", kind: "configmaps" },
    });
    await client.create(CMS, cm("kt-plain"));
    const plain = await kubectl(["delete", "configmap", "kt-plain"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('configmap "kt-plain" deleted\n');
  },
);

test("@kubernetes/client-node reads the answer as a V1Status", async () => {
  await client.create(CMS, cm("kt-node"));
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "kt", server: api.url, skipTLSVerify: true }],
    users: [{ name: "kt" }],
    contexts: [{ name: "kt", cluster: "kt", user: "kt" }],
    currentContext: "kt",
  });
  const status = await kc
    .makeApiClient(k8s.CoreV1Api)
    .deleteNamespacedConfigMap({ name: "kt-node", namespace: "default" });
  expect(status.status).toBe("Success");
  expect(status.details?.kind).toBe("configmaps");
  expect(status.details?.name).toBe("kt-node");
});

test.skipIf(!HAVE_PYTHON)("python3-kubernetes reads the answer as a V1Status", async () => {
  await client.create(CMS, cm("kt-py"));
  const script = `
import json, sys
from kubernetes import client
c = client.Configuration()
c.host = sys.argv[1]
s = client.CoreV1Api(client.ApiClient(c)).delete_namespaced_config_map("kt-py", "default")
print(json.dumps([s.kind, s.status, s.details.kind, s.details.name]))
`;
  const { stdout, stderr, code } = await runProcess([PYTHON, "-c", script, api.url]);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout)).toEqual(["Status", "Success", "configmaps", "kt-py"]);
});

for (const minor of [27, 33]) {
  const bin = kubectlVersion(minor);
  test.skipIf(!bin)(
    `kubectl 1.${minor} delete --wait takes the uid from the Status and returns`,
    async () => {
      const name = `kt-wait-${minor}`;
      await client.create("/apis/apps/v1/namespaces/default/deployments", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "c", image: "busybox" }] },
          },
        },
      });
      const proc = Bun.spawn(
        [
          bin as string,
          `--kubeconfig=${kubectl.kubeconfig}`,
          "delete",
          "deployment",
          name,
          "--wait=true",
          "--timeout=20s",
        ],
        { stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: kubectl.dir } },
      );
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      expect(code, stderr).toBe(0);
      expect(stdout).toBe(`deployment.apps "${name}" deleted\n`);
    },
    30_000,
  );
}
