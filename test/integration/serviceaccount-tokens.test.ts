// ServiceAccount tokens end to end in one process: the apiserver signs (TokenRequest) and admits
// pods with the kube-api-access volume, the controller manager creates the default account,
// publishes kube-root-ca.crt and populates token Secrets, and the kubelet (fake runtime) writes
// the pod-bound token, ca.crt and namespace; the real kubectl's `create token` works.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, jwtVerify } from "jose";
import type { Pod, Secret } from "kubernetes-types/core/v1";
import type { BoundResource } from "../../components/apiserver/authn/object-getter.ts";
import { ServiceAccountAuthenticator } from "../../components/apiserver/authn/service-account-authenticator.ts";
import { verificationKeys } from "../../components/apiserver/authn/service-account-keys.ts";
import type { KObject } from "../../components/apiserver/registry/object.ts";
import { type Apiserver, startApiserver } from "../../components/apiserver/server.ts";
import { startControllerManager } from "../../components/controller-manager/controller-manager.ts";
import { CONTROLLERS } from "../../components/controller-manager/controllers.ts";
import { selectControllers } from "../../components/controller-manager/select-controllers.ts";
import { createImageResolver } from "../../components/kubelet/images/image-resolver.ts";
import { type Kubelet, startKubelet } from "../../components/kubelet/kubelet.ts";
import { createFakeRuntime } from "../../components/kubelet/runtime/fake/fake-runtime.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { loadSigningKey } from "../../lib/serviceaccount/signing-key.ts";
import { TokenSigner } from "../../lib/serviceaccount/token-signer.ts";
import { openSqliteKV, type SqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../harness/kubectl.ts";
import { until } from "../harness/until.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBkt-test-ca\n-----END CERTIFICATE-----\n";
const PEM = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
  .privateKey.export({ type: "sec1", format: "pem" })
  .toString();
const key = loadSigningKey(PEM);
const node = "kt-sa-node";
const log = process.env.KT_DEBUG ? (line: string) => console.error(line) : () => {};

let dir: string;
let kv: SqliteKV;
let api: Apiserver;
let controllers: Component;
let kubelet: Kubelet;
let client: ApiClient;
let kubectl: Kubectl | undefined;
let podToken = "";
let secretToken = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-satokens-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: 0,
    compactionIntervalMs: 0,
    serviceAccountTokens: { signer: new TokenSigner(key, ISSUER), apiAudiences: [ISSUER] },
  });
  client = new ApiClient({ server: api.url as string });
  controllers = await startControllerManager({
    client,
    controllers: selectControllers("serviceaccount,serviceaccount-token,root-ca-cert-publisher", CONTROLLERS),
    leaderElect: false,
    options: {
      allocateNodeCIDRs: false,
      nodeMonitorGracePeriodMs: 40_000,
      podEvictionTimeoutMs: 300_000,
      workers: 2,
      rootCA: CA,
      serviceAccountPrivateKey: PEM,
    },
    log,
  });
  kubelet = await startKubelet({
    nodeName: node,
    rootDir: join(dir, "root"),
    runtime: createFakeRuntime({ podCIDR: "10.251.0.0/24", nodeIP: "127.0.0.1", podFiles: true }),
    images: createImageResolver({ kubeExecutable: ["kube"] }),
    client,
    dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
    log,
  });
  await kubelet.ready;
});

afterAll(async () => {
  kubectl?.cleanup();
  await kubelet?.stopAllPods();
  await kubelet?.stop();
  await controllers?.stop();
  await api?.stop();
  await kv?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a pod gets a token bound to it, the root CA and its namespace, from the kubelet", async () => {
  await until("the default account", () =>
    client.getIfExists("/api/v1/namespaces/default/serviceaccounts/default"),
  );
  await until("kube-root-ca.crt", () =>
    client.getIfExists("/api/v1/namespaces/default/configmaps/kube-root-ca.crt"),
  );
  const created = await client.create<Pod>("/api/v1/namespaces/default/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web" },
    spec: { nodeName: node, containers: [{ name: "web", image: "hello" }] },
  });
  const volume = created.spec?.volumes?.find((v) => v.name.startsWith("kube-api-access-"));
  expect(volume?.projected?.sources?.[0]?.serviceAccountToken).toEqual({
    path: "token",
    expirationSeconds: 3607,
  });
  expect(created.spec?.containers[0]?.volumeMounts?.[0]?.mountPath).toBe(
    "/var/run/secrets/kubernetes.io/serviceaccount",
  );

  await until("web running", async () => {
    const p = await client.get<Pod>("/api/v1/namespaces/default/pods/web");
    return p.status?.phase === "Running" ? p : undefined;
  });
  const volumeDir = join(
    dir,
    "root/pods",
    created.metadata?.uid ?? "",
    "volumes/kubernetes.io~projected",
    volume?.name ?? "",
  );
  expect(readlinkSync(join(volumeDir, "token"))).toBe("..data/token");
  expect(readFileSync(join(volumeDir, "ca.crt"), "utf8")).toBe(CA);
  expect(readFileSync(join(volumeDir, "namespace"), "utf8")).toBe("default");
  const token = readFileSync(join(volumeDir, "token"), "utf8");
  podToken = token;
  const { payload } = await jwtVerify(token, key.publicKey, { issuer: ISSUER, audience: ISSUER });
  const sa = await client.get<{ metadata: { uid: string } }>(
    "/api/v1/namespaces/default/serviceaccounts/default",
  );
  const n = await client.get<{ metadata: { uid: string } }>(`/api/v1/nodes/${node}`);
  expect(payload.sub).toBe("system:serviceaccount:default:default");
  expect(payload["kubernetes.io"]).toEqual({
    namespace: "default",
    node: { name: node, uid: n.metadata.uid },
    pod: { name: "web", uid: created.metadata?.uid },
    serviceaccount: { name: "default", uid: sa.metadata.uid },
    warnafter: (payload.iat as number) + 3607,
  });
  expect((payload.exp as number) - (payload.iat as number)).toBe(365 * 86400);
});

test("a token Secret is populated by the controller", async () => {
  await client.create("/api/v1/namespaces/default/secrets", {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/service-account-token",
    metadata: { name: "default-token", annotations: { "kubernetes.io/service-account.name": "default" } },
  });
  const secret = await until("the token secret populated", async () => {
    const s = await client.get<Secret>("/api/v1/namespaces/default/secrets/default-token");
    return s.data?.token ? s : undefined;
  });
  expect(Buffer.from(secret.data?.["ca.crt"] ?? "", "base64").toString()).toBe(CA);
  secretToken = Buffer.from(secret.data?.token ?? "", "base64").toString();
  const claims = decodeJwt(secretToken);
  expect(claims.iss).toBe("kubernetes/serviceaccount");
  expect(claims["kubernetes.io/serviceaccount/secret.name"]).toBe("default-token");
});

test("both tokens authenticate through the apiserver's ServiceAccount authenticator", async () => {
  expect(podToken).not.toBe("");
  expect(secretToken).not.toBe("");
  const publicPem = key.publicKey.export({ type: "spki", format: "pem" }).toString();
  const authenticator = new ServiceAccountAuthenticator({
    keys: verificationKeys(publicPem),
    issuers: [ISSUER],
    apiAudiences: [ISSUER],
    objects: {
      get: (resource: BoundResource, namespace: string, name: string) =>
        client.getIfExists<KObject>(
          resource === "nodes"
            ? `/api/v1/nodes/${name}`
            : `/api/v1/namespaces/${namespace}/${resource}/${name}`,
        ),
    },
  });
  const bound = await authenticator.authenticateToken(podToken, undefined);
  expect(bound.kind).toBe("ok");
  if (bound.kind === "ok") {
    expect(bound.user.username).toBe("system:serviceaccount:default:default");
    expect(bound.user.extra?.["authentication.kubernetes.io/pod-name"]).toEqual(["web"]);
  }
  const legacy = await authenticator.authenticateToken(secretToken, undefined);
  expect(legacy.kind).toBe("ok");
  if (legacy.kind === "ok") expect(legacy.user.username).toBe("system:serviceaccount:default:default");
});

test.skipIf(!kubectlBinary())(
  "kubectl create token (protobuf request) prints a verifiable token",
  async () => {
    kubectl = kubectlFor(api.url as string);
    const plain = await kubectl(["create", "token", "default", "--audience", "vault", "--duration", "20m"]);
    expect(plain.stderr).toBe("");
    expect(plain.code).toBe(0);
    const { payload } = await jwtVerify(plain.stdout.trim(), key.publicKey, {
      issuer: ISSUER,
      audience: "vault",
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(1200);
    const bound = await kubectl([
      "create",
      "token",
      "default",
      "--bound-object-kind",
      "Pod",
      "--bound-object-name",
      "web",
    ]);
    expect(bound.code).toBe(0);
    expect((decodeJwt(bound.stdout.trim())["kubernetes.io"] as { pod: { name: string } }).pod.name).toBe(
      "web",
    );
    const short = await kubectl(["create", "token", "default", "--duration", "5m"]);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain("may not specify a duration less than 10 minutes");
  },
);
