// Signing keys, kid and the claim shape of bound and legacy ServiceAccount tokens.
import { describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { loadSigningKey, SigningKeyError } from "./signing-key.ts";
import { boundClaims, legacyClaims } from "./token-claims.ts";
import { TokenSigner } from "./token-signer.ts";

const ecPem = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
  .privateKey.export({ type: "sec1", format: "pem" })
  .toString();
const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

function payloadJson(token: string): string {
  return Buffer.from(token.split(".")[1] ?? "", "base64url").toString();
}

describe("signing key", () => {
  test("EC P-256 signs ES256, RSA RS256; kid is base64url sha256 of the DER public key (as openssl derives it)", () => {
    const ec = loadSigningKey(ecPem);
    expect(ec.alg).toBe("ES256");
    const rsa = loadSigningKey(rsaPem);
    expect(rsa.alg).toBe("RS256");
    for (const [pem, key] of [
      [ecPem, ec],
      [rsaPem, rsa],
    ] as const) {
      const der = Bun.spawnSync(["openssl", "pkey", "-pubout", "-outform", "DER"], {
        stdin: Buffer.from(pem),
      });
      expect(der.exitCode).toBe(0);
      expect(key.kid).toBe(createHash("sha256").update(der.stdout).digest("base64url"));
      expect(key.kid).not.toContain("=");
    }
  });

  test("garbage and unsupported keys are refused with a clear error", () => {
    expect(() => loadSigningKey("not a key")).toThrow(SigningKeyError);
    const ed = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => loadSigningKey(ed)).toThrow("unsupported key type ed25519");
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    expect(loadSigningKey(p384).alg).toBe("ES384");
  });
});

describe("bound tokens", () => {
  const key = loadSigningKey(ecPem);
  const signer = new TokenSigner(key, "https://kubernetes.default.svc.cluster.local");
  const sa = { metadata: { name: "builder", namespace: "ci", uid: "sa-uid" } };
  const pod = { metadata: { name: "web-1", namespace: "ci", uid: "pod-uid" } };
  const node = { metadata: { name: "n1", uid: "node-uid" } };
  const now = new Date("2026-12-07T10:00:00.500Z");
  const t0 = Date.parse("2026-12-07T10:00:00Z") / 1000;

  test("every claim as upstream's Claims(): pod-bound with its node, warnafter, sorted keys", async () => {
    const claims = boundClaims({
      serviceAccount: sa,
      pod,
      node,
      audiences: ["https://kubernetes.default.svc.cluster.local", "k3s"],
      expirationSeconds: 31536000,
      warnAfterSeconds: 3607,
      now,
      jti: "8d7c4b1e-1111-4222-8333-944445555666",
    });
    const token = await signer.signBound(claims);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: key.kid });
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: "https://kubernetes.default.svc.cluster.local",
      audience: "k3s",
      currentDate: now,
    });
    expect(payload).toEqual({
      aud: ["https://kubernetes.default.svc.cluster.local", "k3s"],
      exp: t0 + 31536000,
      iat: t0,
      iss: "https://kubernetes.default.svc.cluster.local",
      jti: "8d7c4b1e-1111-4222-8333-944445555666",
      "kubernetes.io": {
        namespace: "ci",
        node: { name: "n1", uid: "node-uid" },
        pod: { name: "web-1", uid: "pod-uid" },
        serviceaccount: { name: "builder", uid: "sa-uid" },
        warnafter: t0 + 3607,
      },
      nbf: t0,
      sub: "system:serviceaccount:ci:builder",
    });
    expect(Object.keys(JSON.parse(payloadJson(token)))).toEqual([
      "aud",
      "exp",
      "iat",
      "iss",
      "jti",
      "kubernetes.io",
      "nbf",
      "sub",
    ]);
  });

  test("unbound: no pod, secret, node or warnafter; secret-bound carries the secret", async () => {
    const plain = boundClaims({
      serviceAccount: sa,
      audiences: ["api"],
      expirationSeconds: 600,
      now,
      jti: "j",
    });
    expect(plain["kubernetes.io"]).toEqual({
      namespace: "ci",
      serviceaccount: { name: "builder", uid: "sa-uid" },
    });
    expect(plain.exp - plain.iat).toBe(600);
    const secret = { metadata: { name: "s", uid: "s-uid" } };
    const bound = boundClaims({
      serviceAccount: sa,
      secret,
      audiences: [],
      expirationSeconds: 600,
      now,
      jti: "j",
    });
    expect(bound["kubernetes.io"].secret).toEqual({ name: "s", uid: "s-uid" });
    expect(bound.aud).toBeUndefined();
    expect(() =>
      boundClaims({ serviceAccount: sa, secret, pod, audiences: [], expirationSeconds: 600, now, jti: "j" }),
    ).toThrow("can only be bound to one object type");
  });

  test("a token signed by another key does not verify", async () => {
    const other = loadSigningKey(rsaPem);
    const token = await new TokenSigner(other, "x").signBound(
      boundClaims({ serviceAccount: sa, audiences: ["x"], expirationSeconds: 600, now, jti: "j" }),
    );
    expect(decodeProtectedHeader(token).alg).toBe("RS256");
    await expect(jwtVerify(token, key.publicKey, { currentDate: now })).rejects.toThrow();
  });
});

describe("legacy tokens", () => {
  test("issuer kubernetes/serviceaccount and the kubernetes.io/serviceaccount/* claims, nothing else", async () => {
    const key = loadSigningKey(rsaPem);
    const token = await new TokenSigner(key, "https://issuer").signLegacy(
      legacyClaims(
        { metadata: { name: "default", namespace: "default", uid: "u1" } },
        { metadata: { name: "default-token-abcde" } },
      ),
    );
    const { payload, protectedHeader } = await jwtVerify(token, key.publicKey);
    expect(protectedHeader).toEqual({ alg: "RS256", kid: key.kid });
    expect(payload).toEqual({
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": "default",
      "kubernetes.io/serviceaccount/secret.name": "default-token-abcde",
      "kubernetes.io/serviceaccount/service-account.name": "default",
      "kubernetes.io/serviceaccount/service-account.uid": "u1",
      sub: "system:serviceaccount:default:default",
    });
  });
});
