import { describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import type { KObject } from "../registry/object.ts";
import type { BoundResource, ObjectGetter } from "./object-getter.ts";
import { ServiceAccountAuthenticator } from "./service-account-authenticator.ts";
import { verificationKeys } from "./service-account-keys.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const foreign = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;
const kidOf = (k: KeyObject) =>
  createHash("sha256")
    .update(k.export({ type: "spki", format: "der" }))
    .digest("base64url");
const NOW = new Date("2026-12-07T04:00:00Z");
const nowS = Math.floor(NOW.getTime() / 1000);

function objects(initial: Record<string, KObject>): ObjectGetter & { map: Map<string, KObject> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    async get(resource: BoundResource, namespace: string, name: string) {
      return map.get(`${resource}/${namespace}/${name}`);
    },
  };
}

const world = () =>
  objects({
    "serviceaccounts/default/builder": { metadata: { name: "builder", namespace: "default", uid: "sa-uid" } },
    "pods/default/web": { metadata: { name: "web", namespace: "default", uid: "pod-uid" } },
    "nodes//n1": { metadata: { name: "n1", uid: "node-uid" } },
  });

function boundClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: "system:serviceaccount:default:builder",
    aud: [ISSUER],
    iat: nowS,
    nbf: nowS,
    exp: nowS + 3600,
    jti: "jti-1",
    "kubernetes.io": {
      namespace: "default",
      serviceaccount: { name: "builder", uid: "sa-uid" },
      pod: { name: "web", uid: "pod-uid" },
      node: { name: "n1", uid: "node-uid" },
    },
    ...extra,
  };
}

async function sign(
  claims: Record<string, unknown>,
  key: KeyObject = rsa.privateKey,
  alg = "RS256",
  kid?: string,
) {
  const header: { alg: string; kid?: string } = { alg };
  const k =
    kid ??
    kidOf(key === rsa.privateKey ? rsa.publicKey : key === ec.privateKey ? ec.publicKey : foreign.publicKey);
  if (k) header.kid = k;
  return await new SignJWT(claims).setProtectedHeader(header).sign(key);
}

function authenticator(getter: ObjectGetter = world(), apiAudiences = [ISSUER]) {
  return new ServiceAccountAuthenticator({
    keys: [...verificationKeys(pem(rsa.publicKey)), ...verificationKeys(pem(ec.publicKey))],
    issuers: [ISSUER, "https://old.example"],
    apiAudiences,
    objects: getter,
    now: () => NOW,
  });
}

describe("ServiceAccountAuthenticator", () => {
  test("a bound token: user, groups, uid, pod/node/credential extras, audiences", async () => {
    const r = await authenticator().authenticateToken(await sign(boundClaims()), undefined);
    expect(r).toEqual({
      kind: "ok",
      audiences: [ISSUER],
      user: {
        username: "system:serviceaccount:default:builder",
        uid: "sa-uid",
        groups: ["system:serviceaccounts", "system:serviceaccounts:default"],
        extra: {
          "authentication.kubernetes.io/pod-name": ["web"],
          "authentication.kubernetes.io/pod-uid": ["pod-uid"],
          "authentication.kubernetes.io/credential-id": ["JTI=jti-1"],
          "authentication.kubernetes.io/node-name": ["n1"],
          "authentication.kubernetes.io/node-uid": ["node-uid"],
        },
      },
    });
  });

  test("ECDSA keys verify too; a second issuer is accepted", async () => {
    const t = await sign(boundClaims({ iss: "https://old.example" }), ec.privateKey, "ES256");
    expect((await authenticator().authenticateToken(t, undefined)).kind).toBe("ok");
  });

  test("expired, not yet valid (beyond the 1-minute leeway)", async () => {
    const a = authenticator();
    expect(await a.authenticateToken(await sign(boundClaims({ exp: nowS - 61 })), undefined)).toEqual({
      kind: "error",
      message: "service account token has expired",
    });
    expect((await a.authenticateToken(await sign(boundClaims({ exp: nowS - 30 })), undefined)).kind).toBe(
      "ok",
    );
    expect(await a.authenticateToken(await sign(boundClaims({ nbf: nowS + 120 })), undefined)).toEqual({
      kind: "error",
      message: "service account token is not valid yet",
    });
  });

  test("a foreign issuer is not ours (no opinion); a forged signature is an error", async () => {
    const a = authenticator();
    expect(await a.authenticateToken(await sign(boundClaims({ iss: "https://evil" })), undefined)).toEqual({
      kind: "none",
    });
    // Signed by a key we do not have, claiming one of our key ids.
    const forged = await sign(boundClaims(), foreign.privateKey, "RS256", kidOf(rsa.publicKey));
    expect(await a.authenticateToken(forged, undefined)).toEqual({
      kind: "error",
      message: "go-jose/go-jose: error in cryptographic primitive",
    });
    const unknownKid = await sign(boundClaims(), foreign.privateKey);
    expect(await a.authenticateToken(unknownKid, undefined)).toEqual({
      kind: "error",
      message: "invalid signature, no keys found",
    });
  });

  test("wrong audience", async () => {
    const t = await sign(boundClaims({ aud: ["vault"] }));
    expect(await authenticator().authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]`,
    });
    expect(await authenticator().authenticateToken(t, ["vault", "other"])).toMatchObject({
      kind: "ok",
      audiences: ["vault"],
    });
  });

  test("deleted ServiceAccount, recreated one (new uid), deleted or replaced pod, deleted node", async () => {
    const t = await sign(boundClaims());
    const w = world();
    w.map.set("serviceaccounts/default/builder", { metadata: { name: "builder", uid: "other" } });
    expect(await authenticator(w).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: "service account UID (other) does not match claim (sa-uid)",
    });
    w.map.delete("serviceaccounts/default/builder");
    expect(await authenticator(w).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: 'serviceaccounts "builder" not found',
    });
    const p = world();
    p.map.delete("pods/default/web");
    expect(await authenticator(p).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: "service account token has been invalidated",
    });
    p.map.set("pods/default/web", { metadata: { name: "web", uid: "new-pod" } });
    expect(await authenticator(p).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: "pod UID (new-pod) does not match service account pod ref claim (pod-uid)",
    });
    const terminating = world();
    terminating.map.set("pods/default/web", {
      metadata: { name: "web", uid: "pod-uid", deletionTimestamp: "2026-12-07T03:00:00Z" },
    });
    expect((await authenticator(terminating).authenticateToken(t, undefined)).kind).toBe("error");
    const nodeBound = boundClaims();
    delete (nodeBound["kubernetes.io"] as Record<string, unknown>).pod;
    const n = world();
    n.map.delete("nodes//n1");
    expect(await authenticator(n).authenticateToken(await sign(nodeBound), undefined)).toEqual({
      kind: "error",
      message: "service account token has been invalidated",
    });
  });

  test("storage trouble while looking up the ServiceAccount fails authentication, it does not throw", async () => {
    const broken: ObjectGetter = {
      get: async () => {
        throw new Error("etcdserver: request timed out");
      },
    };
    expect(await authenticator(broken).authenticateToken(await sign(boundClaims()), undefined)).toEqual({
      kind: "error",
      message: "etcdserver: request timed out",
    });
  });

  test("malformed tokens are not ours", async () => {
    const a = authenticator();
    for (const t of ["", "abc", "a.b.c", "{}.x.y", "a.b", `${btoa("{")}.e30.x`]) {
      expect(await a.authenticateToken(t, undefined)).toEqual({ kind: "none" });
    }
  });

  test("legacy secret tokens: the Secret must hold exactly this token", async () => {
    const claims = {
      iss: "kubernetes/serviceaccount",
      sub: "system:serviceaccount:default:builder",
      "kubernetes.io/serviceaccount/namespace": "default",
      "kubernetes.io/serviceaccount/secret.name": "builder-token",
      "kubernetes.io/serviceaccount/service-account.name": "builder",
      "kubernetes.io/serviceaccount/service-account.uid": "sa-uid",
    };
    const t = await sign(claims);
    const w = world();
    w.map.set("secrets/default/builder-token", {
      metadata: { name: "builder-token", uid: "s" },
      data: { token: Buffer.from(t).toString("base64") },
    });
    expect(await authenticator(w).authenticateToken(t, undefined)).toMatchObject({
      kind: "ok",
      user: { username: "system:serviceaccount:default:builder", uid: "sa-uid" },
    });
    w.map.set("secrets/default/builder-token", {
      metadata: { name: "builder-token" },
      data: { token: "eA==" },
    });
    expect(await authenticator(w).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: "Token does not match server's copy",
    });
    w.map.delete("secrets/default/builder-token");
    expect(await authenticator(w).authenticateToken(t, undefined)).toEqual({
      kind: "error",
      message: "Token has been invalidated",
    });
  });

  test("key files: private keys give their public half; no key is an error", () => {
    const priv = rsa.privateKey.export({ type: "pkcs1", format: "pem" }) as string;
    const keys = verificationKeys(priv + pem(ec.publicKey));
    expect(keys.map((k) => k.kid)).toEqual([kidOf(rsa.publicKey), kidOf(ec.publicKey)]);
    expect(() => verificationKeys("nothing here", "sa.pub")).toThrow(
      "sa.pub: data does not contain any valid RSA or ECDSA public keys",
    );
  });
});
