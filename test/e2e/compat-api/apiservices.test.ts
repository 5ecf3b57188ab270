// apiregistration.k8s.io/v1 APIServices with the real kubectl: the local APIService of every
// built-in group/version and of a CRD's group (gone with the CRD), and one backed by a Service
// going ServiceNotFound -> MissingEndpoints -> Available through a real HTTPS discovery check,
// then listed in discovery and proxied to (kubectl get of its resource).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { createCertificateAuthority, issueCertificate } from "../../../lib/pki/issue-certificate.ts";
import { generatePrivateKey } from "../../../lib/pki/private-key.ts";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

const HAVE_KUBECTL = kubectlBinary() !== null;
const APISERVICES = "/apis/apiregistration.k8s.io/v1/apiservices";
let api: TestApiserver;
let client: ApiClient;
let kubectl: Kubectl;
let backend: ReturnType<typeof Bun.serve> | undefined;

interface ApiService {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  kubectl = kubectlFor(api.url);
});

afterAll(async () => {
  backend?.stop(true);
  kubectl?.cleanup();
  await api?.stop();
});

const available = async (name: string) =>
  (await client.get<ApiService>(`${APISERVICES}/${name}`)).status?.conditions?.find(
    (c) => c.type === "Available",
  );

test("every built-in group/version has a local APIService, Available", async () => {
  // The first pass runs beside the apiserver's start.
  const list = await until("the local APIServices", async () => {
    const l = await client.get<{ items: ApiService[] }>(APISERVICES);
    const done = l.items.some((i) => i.metadata.name === "v1.apiregistration.k8s.io");
    return done && l.items.every((i) => i.status?.conditions) ? l : undefined;
  });
  const names = list.items.map((i) => i.metadata.name);
  for (const n of ["v1.", "v1.apps", "v2.autoscaling", "v1.certificates.k8s.io", "v1.apiregistration.k8s.io"])
    expect(names).toContain(n);
  const core = list.items.find((i) => i.metadata.name === "v1.");
  expect(core?.spec).toEqual({ version: "v1", groupPriorityMinimum: 18000, versionPriority: 1 });
  expect(core?.metadata.labels).toEqual({ "kube-aggregator.kubernetes.io/automanaged": "onstart" });
  expect(core?.status?.conditions?.[0]).toMatchObject({
    type: "Available",
    status: "True",
    reason: "Local",
    message: "Local APIServices are always available",
  });
  if (!HAVE_KUBECTL) return;
  const out = await kubectl(["get", "apiservices"]);
  expect(out.stderr).toBe("");
  expect(out.stdout).toMatch(/^NAME\s+SERVICE\s+AVAILABLE\s+AGE\n/);
  expect(out.stdout).toMatch(/\nv1\.apps\s+Local\s+True\s+\S+\n/);
});

test("a CRD's group gets a local APIService while the CRD exists", async () => {
  await client.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.kt.example.com" },
    spec: {
      group: "kt.example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget" },
      versions: [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      ],
    },
  });
  const svc = await until(
    "v1.kt.example.com",
    async () => await available("v1.kt.example.com").catch(() => undefined),
    {
      timeoutMs: 15_000,
    },
  );
  expect(svc).toMatchObject({ status: "True", reason: "Local" });
  const got = await client.get<ApiService>(`${APISERVICES}/v1.kt.example.com`);
  expect(got.spec).toMatchObject({
    group: "kt.example.com",
    version: "v1",
    groupPriorityMinimum: 1000,
    versionPriority: 100,
  });
  await client.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.kt.example.com");
  await until(
    "v1.kt.example.com gone",
    async () => ((await client.getIfExists(`${APISERVICES}/v1.kt.example.com`)) ? undefined : true),
    { timeoutMs: 15_000 },
  );
}, 40_000);

test("an APIService backed by a Service: ServiceNotFound, MissingEndpoints, then Passed over HTTPS", async () => {
  const name = "v1beta1.metrics.kt.example.com";
  await client.create(APISERVICES, {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: { name },
    spec: {
      group: "metrics.kt.example.com",
      version: "v1beta1",
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
      service: { namespace: "default", name: "kt-metrics" },
    },
  });
  expect((await client.get<ApiService>(`${APISERVICES}/${name}`)).spec.service).toEqual({
    namespace: "default",
    name: "kt-metrics",
    port: 443,
  });
  expect(
    await until(
      "ServiceNotFound",
      async () => {
        const c = await available(name);
        return c?.reason === "ServiceNotFound" ? c : undefined;
      },
      { timeoutMs: 15_000 },
    ),
  ).toMatchObject({ status: "False", message: 'service/kt-metrics in "default" is not present' });
  if (HAVE_KUBECTL) {
    const row = await kubectl(["get", "apiservice", name, "--no-headers"]);
    expect(row.stdout).toMatch(
      /^v1beta1\.metrics\.kt\.example\.com\s+default\/kt-metrics\s+False \(ServiceNotFound\)\s+\S+\n$/,
    );
  }
  await client.create("/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kt-metrics" },
    spec: { ports: [{ name: "https", port: 443, targetPort: 443 }] },
  });
  await client.create("/api/v1/namespaces/default/endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kt-metrics" },
    subsets: [],
  });
  expect(
    await until(
      "MissingEndpoints",
      async () => {
        const c = await available(name);
        return c?.reason === "MissingEndpoints" ? c : undefined;
      },
      { timeoutMs: 15_000 },
    ),
  ).toMatchObject({
    status: "False",
    message: 'endpoints for service/kt-metrics in "default" have no addresses with port name "https"',
  });
  // A real HTTPS backend answering the group/version's discovery document.
  const ca = await createCertificateAuthority({ commonName: "kt-agg-ca", key: await generatePrivateKey() });
  const key = await generatePrivateKey();
  const cert = await issueCertificate({
    ca,
    key,
    commonName: "kt-metrics",
    usage: "server",
    sans: ["127.0.0.1"],
  });
  const paths: string[] = [];
  const users: string[] = [];
  backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert, key: key.pem },
    fetch(req) {
      const path = new URL(req.url).pathname;
      paths.push(path);
      if (path.endsWith("/widgets")) {
        users.push(`${req.headers.get("x-remote-user")} ${req.headers.get("x-remote-group")}`);
        return Response.json({
          kind: "WidgetList",
          apiVersion: "metrics.kt.example.com/v1beta1",
          metadata: {},
          items: [
            {
              kind: "Widget",
              apiVersion: "metrics.kt.example.com/v1beta1",
              metadata: { name: "w1", namespace: "default" },
            },
          ],
        });
      }
      return Response.json({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "metrics.kt.example.com/v1beta1",
        resources: [
          {
            name: "widgets",
            singularName: "widget",
            namespaced: true,
            kind: "Widget",
            verbs: ["get", "list"],
          },
        ],
      });
    },
  });
  const endpoints = await client.get<Record<string, unknown>>(
    "/api/v1/namespaces/default/endpoints/kt-metrics",
  );
  endpoints.subsets = [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: backend.port }] }];
  await client.update("/api/v1/namespaces/default/endpoints/kt-metrics", endpoints);
  expect(
    await until(
      "Passed",
      async () => {
        const c = await available(name);
        return c?.reason === "Passed" ? c : undefined;
      },
      { timeoutMs: 15_000 },
    ),
  ).toMatchObject({ status: "True", message: "all checks passed" });
  expect(paths).toContain("/apis/metrics.kt.example.com/v1beta1");
  // Discovery lists the group; requests for it are proxied to the backend with the caller's identity.
  const groups = await client.get<{ groups: { name: string }[] }>("/apis");
  expect(groups.groups.map((g) => g.name)).toContain("metrics.kt.example.com");
  const widgets = await client.get<{ items: { metadata: { name: string } }[] }>(
    "/apis/metrics.kt.example.com/v1beta1/namespaces/default/widgets",
  );
  expect(widgets.items.map((w) => w.metadata.name)).toEqual(["w1"]);
  expect(users[0]).toBe("system:unsecured system:masters, system:authenticated");
  if (HAVE_KUBECTL) {
    const got = await kubectl(["get", "widgets.metrics.kt.example.com", "-o", "name"]);
    expect(got.stderr).toBe("");
    expect(got.stdout).toBe("widget.metrics.kt.example.com/w1\n");
    const resources = await kubectl(["api-resources", "--api-group=metrics.kt.example.com", "--no-headers"]);
    expect(resources.stdout).toMatch(/^widgets\s+metrics\.kt\.example\.com\/v1beta1\s+true\s+Widget\n$/);
  }
  // The backend going away is noticed.
  const port = backend.port;
  backend.stop(true);
  const failed = await until(
    "FailedDiscoveryCheck",
    async () => {
      const c = await available(name);
      return c?.reason === "FailedDiscoveryCheck" ? c : undefined;
    },
    { timeoutMs: 20_000 },
  );
  expect(failed.message).toStartWith(
    `failing or missing response from https://127.0.0.1:${port}/apis/metrics.kt.example.com/v1beta1: `,
  );
}, 80_000);

test("validation: the name must be version.group, priorities in range, local ones without TLS settings", async () => {
  const post = async (body: unknown) => {
    const res = await fetch(`${api.url}${APISERVICES}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    return { code: res.status, message: ((await res.json()) as { message: string }).message };
  };
  const base = { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService" };
  const wrongName = await post({
    ...base,
    metadata: { name: "v1.wrong.example.com" },
    spec: { group: "right.example.com", version: "v1", groupPriorityMinimum: 1, versionPriority: 1 },
  });
  expect(wrongName.code).toBe(422);
  expect(wrongName.message).toContain(
    'metadata.name: Invalid value: "v1.wrong.example.com": must be `spec.version+"."+spec.group`: "v1.right.example.com"',
  );
  const badPriority = await post({
    ...base,
    metadata: { name: "v1.p.example.com" },
    spec: { group: "p.example.com", version: "v1", groupPriorityMinimum: 0, versionPriority: 2000 },
  });
  expect(badPriority.message).toContain(
    "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
  );
  expect(badPriority.message).toContain(
    "spec.versionPriority: Invalid value: 2000: must be positive and less than 1000",
  );
  const localTls = await post({
    ...base,
    metadata: { name: "v1.l.example.com" },
    spec: {
      group: "l.example.com",
      version: "v1",
      groupPriorityMinimum: 1,
      versionPriority: 1,
      insecureSkipTLSVerify: true,
    },
  });
  expect(localTls.message).toContain(
    "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify",
  );
  const badVersion = await post({
    ...base,
    metadata: { name: "V1.v.example.com" },
    spec: { group: "v.example.com", version: "V1", groupPriorityMinimum: 1, versionPriority: 1 },
  });
  expect(badVersion.message).toContain('spec.version: Invalid value: "V1": a DNS-1035 label');
});

test("metrics-server's APIService over kube's own metrics.k8s.io: kube keeps serving it", async () => {
  const name = "v1beta1.metrics.k8s.io";
  const local = await client.get<ApiService>(`${APISERVICES}/${name}`);
  expect(local.status?.conditions?.[0]?.reason).toBe("Local");
  await client.update(`${APISERVICES}/${name}`, {
    ...local,
    spec: {
      ...local.spec,
      insecureSkipTLSVerify: true,
      service: { namespace: "kube-system", name: "metrics-server", port: 443 },
    },
  });
  await until(
    "ServiceNotFound",
    async () => ((await available(name))?.reason === "ServiceNotFound" ? true : undefined),
    {
      timeoutMs: 15_000,
    },
  );
  const res = await fetch(`${api.url}/apis/metrics.k8s.io/v1beta1/nodes`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { kind: string }).kind).toBe("NodeMetricsList");
}, 30_000);
