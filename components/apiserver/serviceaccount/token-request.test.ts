// TokenRequest through the in-process apiserver: defaults, bound pods/secrets/nodes, upstream's
// errors (short expiration, missing account, uid mismatch, foreign kinds), and the ServiceAccount
// admission that the same option turns on.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jwtVerify } from "jose";
import type { Pod } from "kubernetes-types/core/v1";
import { loadSigningKey } from "../../../lib/serviceaccount/signing-key.ts";
import { TokenSigner } from "../../../lib/serviceaccount/token-signer.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../server.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const key = loadSigningKey(
  generateKeyPairSync("ec", { namedCurve: "prime256v1" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString(),
);
const NOW = new Date("2026-12-07T10:00:00Z");
const T0 = NOW.getTime() / 1000;

let dir: string;
let kv: SqliteKV;
let api: Apiserver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({
    kv,
    compactionIntervalMs: 0,
    now: () => NOW,
    serviceAccountTokens: {
      signer: new TokenSigner(key, ISSUER),
      apiAudiences: [ISSUER],
      maxExpirationSeconds: 48 * 3600,
      newId: () => "jti-1",
    },
  });
  await call("POST", "/api/v1/namespaces/default/serviceaccounts", { metadata: { name: "default" } });
  await call("POST", "/api/v1/namespaces/default/serviceaccounts", {
    metadata: { name: "robot" },
    imagePullSecrets: [{ name: "regcred" }],
  });
  await call("POST", "/api/v1/namespaces/default/serviceaccounts", {
    metadata: { name: "quiet" },
    automountServiceAccountToken: false,
  });
});

afterAll(async () => {
  try {
    await api.stop();
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Reply {
  kind?: string;
  message?: string;
  metadata: { uid: string; name: string; namespace?: string; creationTimestamp?: string };
  spec: {
    audiences?: string[];
    expirationSeconds?: number;
    volumes?: { name: string; projected?: unknown }[];
    initContainers?: { volumeMounts?: unknown[] }[];
    containers?: { volumeMounts?: unknown[] }[];
    imagePullSecrets?: unknown[];
    serviceAccountName?: string;
  };
  status: { token: string; expirationTimestamp: string };
}

async function call(
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: Reply; res: Response }> {
  const res = await api.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
  return { status: res.status, body: (await res.json()) as Reply, res };
}

const tokenPath = (sa: string) => `/api/v1/namespaces/default/serviceaccounts/${sa}/token`;
const request = (spec: object) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec });

async function claimsOf(token: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, key.publicKey, { issuer: ISSUER, currentDate: NOW });
  return payload as Record<string, unknown>;
}

const pod = (name: string, extra: Partial<Pod["spec"]> = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "busybox" }], ...extra },
});

describe("TokenRequest", () => {
  test("defaults: an hour, the API audiences; 201 with the token and its expiry", async () => {
    const sa = (await call("GET", "/api/v1/namespaces/default/serviceaccounts/robot")).body;
    const { status, body } = await call("POST", tokenPath("robot"), request({}));
    expect(status).toBe(201);
    expect(body.kind).toBe("TokenRequest");
    expect(body.spec).toEqual({ audiences: [ISSUER], expirationSeconds: 3600 });
    expect(body.status.expirationTimestamp).toBe("2026-12-07T11:00:00Z");
    expect(body.metadata).toEqual({
      name: "robot",
      namespace: "default",
      uid: sa.metadata.uid,
      creationTimestamp: "2026-12-07T10:00:00Z",
    });
    expect(await claimsOf(body.status.token)).toEqual({
      aud: [ISSUER],
      exp: T0 + 3600,
      iat: T0,
      iss: ISSUER,
      jti: "jti-1",
      "kubernetes.io": { namespace: "default", serviceaccount: { name: "robot", uid: sa.metadata.uid } },
      nbf: T0,
      sub: "system:serviceaccount:default:robot",
    });
  });

  test("less than 10 minutes is 422 with upstream's words; missing account is 404", async () => {
    const short = await call("POST", tokenPath("robot"), request({ expirationSeconds: 599 }));
    expect(short.status).toBe(422);
    expect(short.body.message).toBe(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    );
    const renamed = await call("POST", tokenPath("robot"), { ...request({}), metadata: { name: "other" } });
    expect(renamed.status).toBe(422);
    expect(renamed.body.message).toBe(
      'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
    );
    const missing = await call("POST", tokenPath("ghost"), request({}));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('serviceaccounts "ghost" not found');
  });

  test("longer than the maximum is shortened, with a warning", async () => {
    const { status, body, res } = await call(
      "POST",
      tokenPath("robot"),
      request({ expirationSeconds: 7 * 86400 }),
    );
    expect(status).toBe(201);
    expect(body.spec.expirationSeconds).toBe(48 * 3600);
    expect(res.headers.get("warning")).toContain(
      "requested expiration of 604800 seconds shortened to 172800 seconds",
    );
    const claims = await claimsOf(body.status.token);
    expect(claims.exp).toBe(T0 + 48 * 3600);
  });

  test("pod-bound: the pod must exist, run as the account and have the given uid", async () => {
    const created = await call(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod("bound", { serviceAccountName: "robot", nodeName: "n1" }),
    );
    expect(created.status).toBe(201);
    const uid = created.body.metadata.uid;
    const ref = { kind: "Pod", apiVersion: "v1", name: "bound", uid };
    const ok = await call("POST", tokenPath("robot"), request({ audiences: ["vault"], boundObjectRef: ref }));
    expect(ok.status).toBe(201);
    const claims = await claimsOf(ok.body.status.token);
    expect(claims.aud).toEqual(["vault"]);
    expect((claims["kubernetes.io"] as { pod: unknown }).pod).toEqual({ name: "bound", uid });
    // Its node n1 does not exist: named, without a uid.
    expect((claims["kubernetes.io"] as { node: unknown }).node).toEqual({ name: "n1" });

    const wrongUid = await call(
      "POST",
      tokenPath("robot"),
      request({ boundObjectRef: { ...ref, uid: "other" } }),
    );
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.body.message).toBe(
      'Operation cannot be fulfilled on Pod "bound": the UID in the bound object reference (other) does not match the UID in record. The object might have been deleted and then recreated',
    );
    const wrongSa = await call("POST", tokenPath("default"), request({ boundObjectRef: ref }));
    expect(wrongSa.status).toBe(400);
    expect(wrongSa.body.message).toBe(
      'cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.',
    );
    const gone = await call(
      "POST",
      tokenPath("robot"),
      request({ boundObjectRef: { ...ref, name: "nope" } }),
    );
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('pods "nope" not found');
    const cm = await call(
      "POST",
      tokenPath("robot"),
      request({ boundObjectRef: { kind: "ConfigMap", apiVersion: "v1", name: "x" } }),
    );
    expect(cm.status).toBe(400);
    expect(cm.body.message).toBe("cannot bind token to object of type /v1, Kind=ConfigMap");
  });

  test("a kube-api-access request (3607 s, API audience, pod-bound) is valid a year and warns after 3607 s", async () => {
    const created = await call("POST", "/api/v1/namespaces/default/pods", pod("ext"));
    const ref = { kind: "Pod", apiVersion: "v1", name: "ext", uid: created.body.metadata.uid };
    const { body } = await call(
      "POST",
      tokenPath("default"),
      request({ expirationSeconds: 3607, boundObjectRef: ref }),
    );
    expect(body.status.expirationTimestamp).toBe("2026-12-07T11:00:07Z");
    const claims = await claimsOf(body.status.token);
    expect(claims.exp).toBe(T0 + 365 * 86400);
    expect((claims["kubernetes.io"] as { warnafter: number }).warnafter).toBe(T0 + 3607);
  });

  test("secret-bound tokens carry the secret; a missing secret is 404", async () => {
    const s = await call("POST", "/api/v1/namespaces/default/secrets", { metadata: { name: "s1" } });
    const ok = await call(
      "POST",
      tokenPath("robot"),
      request({ boundObjectRef: { kind: "Secret", apiVersion: "v1", name: "s1" } }),
    );
    expect(ok.status).toBe(201);
    const claims = await claimsOf(ok.body.status.token);
    expect((claims["kubernetes.io"] as { secret: unknown }).secret).toEqual({
      name: "s1",
      uid: s.body.metadata.uid,
    });
    const missing = await call(
      "POST",
      tokenPath("robot"),
      request({ boundObjectRef: { kind: "Secret", apiVersion: "v1", name: "s2" } }),
    );
    expect(missing.status).toBe(404);
  });

  test("node-bound tokens carry the node; a stale node uid is a conflict", async () => {
    const n = await call("POST", "/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "kt-n2" },
    });
    expect(n.status).toBe(201);
    const ref = { kind: "Node", apiVersion: "v1", name: "kt-n2" };
    const ok = await call("POST", tokenPath("robot"), request({ boundObjectRef: ref }));
    expect(ok.status).toBe(201);
    const claims = await claimsOf(ok.body.status.token);
    expect(claims["kubernetes.io"]).toMatchObject({ node: { name: "kt-n2", uid: n.body.metadata.uid } });
    expect((claims["kubernetes.io"] as { pod?: unknown }).pod).toBeUndefined();
    const stale = await call("POST", tokenPath("robot"), request({ boundObjectRef: { ...ref, uid: "old" } }));
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('Operation cannot be fulfilled on Node "kt-n2"');
  });

  test("GET on the subresource is not allowed", async () => {
    expect((await call("GET", tokenPath("robot"))).status).toBe(405);
  });
});

describe("ServiceAccount admission", () => {
  test("a pod gets kube-api-access-xxxxx mounted in every container, and the account's pull secrets", async () => {
    const { status, body } = await call("POST", "/api/v1/namespaces/default/pods", {
      ...pod("mounted", { serviceAccountName: "robot" }),
      spec: {
        serviceAccountName: "robot",
        initContainers: [{ name: "init", image: "busybox" }],
        containers: [
          { name: "a", image: "busybox" },
          { name: "b", image: "busybox" },
        ],
      },
    });
    expect(status).toBe(201);
    const volumes = body.spec.volumes ?? [];
    expect(volumes).toHaveLength(1);
    expect(volumes[0]?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volumes[0]?.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        {
          downwardAPI: {
            items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
          },
        },
      ],
    });
    for (const c of [...(body.spec.initContainers ?? []), ...(body.spec.containers ?? [])])
      expect(c.volumeMounts).toEqual([
        {
          name: volumes[0]?.name,
          readOnly: true,
          mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
        },
      ]);
    expect(body.spec.imagePullSecrets).toEqual([{ name: "regcred" }]);
  });

  test("automount false on the pod or the account: no volume; a missing account is 403", async () => {
    const off = await call(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod("off", { automountServiceAccountToken: false }),
    );
    expect(off.status).toBe(201);
    expect(off.body.spec.volumes ?? []).toEqual([]);
    const quiet = await call(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod("quiet", { serviceAccountName: "quiet" }),
    );
    expect(quiet.body.spec.volumes ?? []).toEqual([]);
    const missing = await call(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod("lost", { serviceAccountName: "ghost" }),
    );
    expect(missing.status).toBe(403);
    expect(missing.body.message).toBe(
      'pods "lost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found',
    );
  });

  test("mirror pods get nothing and may not name an account", async () => {
    const mirror = (extra: Partial<Pod["spec"]>) => ({
      ...pod("static-n1", extra),
      metadata: { name: "static-n1", annotations: { "kubernetes.io/config.mirror": "abc" } },
    });
    const ok = await call("POST", "/api/v1/namespaces/default/pods", mirror({}));
    expect(ok.status).toBe(201);
    expect(ok.body.spec.volumes ?? []).toEqual([]);
    expect(ok.body.spec.serviceAccountName).toBeUndefined();
    const named = await call("POST", "/api/v1/namespaces/default/pods", {
      ...mirror({ serviceAccountName: "robot" }),
      metadata: { name: "static-n2", annotations: { "kubernetes.io/config.mirror": "abc" } },
    });
    expect(named.status).toBe(403);
    expect(named.body.message).toContain("a mirror pod may not reference service accounts");
  });
});
