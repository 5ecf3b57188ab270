// Authentication on the real secure port: the TLS front records the client certificate, the
// x509 authenticator turns it into a user (CN, O), a certificate from a foreign CA is a 401, and
// bearer tokens and anonymous work beside it. The real kubectl authenticates with a client cert.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAuthentication } from "../../components/apiserver/authn/build-authenticator.ts";
import type { Authorizer } from "../../components/apiserver/authz/authorizer.ts";
import { secureFilters } from "../../components/apiserver/filters/secure-filters.ts";
import { type Apiserver, startApiserver } from "../../components/apiserver/server.ts";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueCertificate,
} from "../../lib/pki/issue-certificate.ts";
import { generatePrivateKey, type PrivateKey } from "../../lib/pki/private-key.ts";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../harness/kubectl.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
/** masters do anything; everyone may read non-resource paths; nodes may list pods. */
const authorizer: Authorizer = {
  authorize(a) {
    if (a.user.groups.includes("system:masters")) return { decision: "allow" };
    if (!a.isResourceRequest && a.verb === "get") return { decision: "allow" };
    if (a.user.groups.includes("system:nodes") && a.resource === "pods" && a.verb === "list")
      return { decision: "allow" };
    return { decision: "noOpinion" };
  },
};

let dir: string;
let kv: KV;
let apiserver: Apiserver;
let ca: CertificateAuthority;
let url: string;
const clients: Record<string, { cert: string; key: PrivateKey }> = {};

async function client(signer: CertificateAuthority, commonName: string, organizations: string[], now?: Date) {
  const key = await generatePrivateKey();
  const spec = { ca: signer, key, commonName, organizations, usage: "client" as const, validityDays: 1 };
  return { key, cert: await issueCertificate(now ? { ...spec, now } : spec) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-secure-authn-"));
  kv = await openSqliteKV({ dataDir: dir });
  ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
  const foreignCa = await createCertificateAuthority({
    commonName: "kt-foreign",
    key: await generatePrivateKey(),
  });
  const servingKey = await generatePrivateKey();
  const servingCert = await issueCertificate({
    ca,
    key: servingKey,
    commonName: "kube-apiserver",
    usage: "server",
    sans: ["127.0.0.1"],
  });
  clients.admin = await client(ca, "kt-admin", ["system:masters"]);
  clients.node = await client(ca, "system:node:n1", ["system:nodes"]);
  clients.stranger = await client(foreignCa, "kt-admin", ["system:masters"]);
  clients.expired = await client(ca, "kt-admin", ["system:masters"], new Date("2024-01-01T00:00:00Z"));
  const auth = buildAuthentication({
    tokenAuthFile: { path: "tokens.csv", text: 'admin-token,token-admin,1,"system:masters"\n' },
    serviceAccountKeyPems: [],
    serviceAccountIssuers: [ISSUER],
    apiAudiences: [ISSUER],
    anonymousAuth: true,
    objects: { get: async () => undefined },
  });
  apiserver = await startApiserver({
    kv,
    compactionIntervalMs: 0,
    secure: {
      bindAddress: "127.0.0.1",
      port: 0,
      certPem: servingCert,
      keyPem: servingKey.pem,
      clientCaPem: ca.certPem,
    },
    filters: secureFilters({
      authenticator: auth.authenticator,
      authorizer,
      apiAudiences: auth.apiAudiences,
    }),
  });
  url = apiserver.secureUrl as string;
});
afterAll(async () => {
  await apiserver?.stop();
  await kv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, who?: string, headers: Record<string, string> = {}) => {
  const c = who ? clients[who] : undefined;
  return fetch(`${url}${path}`, {
    headers,
    tls: { ca: ca.certPem, ...(c ? { cert: c.cert, key: c.key.pem } : {}) },
  });
};

describe("the secure port", () => {
  test("a client certificate is its CN in its O groups", async () => {
    expect((await get("/api/v1/namespaces/kube-system/secrets", "admin")).status).toBe(200);
    expect((await get("/api/v1/namespaces/default/pods", "node")).status).toBe(200);
    const denied = await get("/api/v1/namespaces/default/secrets", "node");
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toBe(
      'secrets is forbidden: User "system:node:n1" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
  });

  test("a certificate from a foreign CA, or expired, is 401 (not anonymous), even claiming system:masters", async () => {
    for (const who of ["stranger", "expired"]) {
      const res = await get("/api/v1/namespaces/default/pods", who);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe(
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n',
      );
    }
  });

  test("bearer tokens and anonymous beside certificates", async () => {
    expect(
      (await get("/api/v1/namespaces/default/secrets", undefined, { Authorization: "Bearer admin-token" }))
        .status,
    ).toBe(200);
    expect(
      (await get("/api/v1/namespaces/default/secrets", undefined, { Authorization: "Bearer nope" })).status,
    ).toBe(401);
    const anonymous = await get("/api/v1/namespaces/default/pods");
    expect(anonymous.status).toBe(403);
    expect((await get("/version")).status).toBe(200);
  });
});

describe.skipIf(!kubectlBinary())("kubectl with a client certificate", () => {
  let kubectl: Kubectl;
  beforeAll(() => {
    kubectl = kubectlFor(url);
  });
  afterAll(() => kubectl?.cleanup());

  test("admin lists, a node is refused with upstream's words", async () => {
    const files = (who: string) => {
      const c = clients[who] as { cert: string; key: PrivateKey };
      return [
        `--certificate-authority=${kubectl.file("ca.crt", ca.certPem)}`,
        `--client-certificate=${kubectl.file(`${who}.crt`, c.cert)}`,
        `--client-key=${kubectl.file(`${who}.key`, c.key.pem)}`,
      ];
    };
    const ok = await kubectl([...files("admin"), "get", "secrets", "-n", "kube-system"]);
    expect(ok.code).toBe(0);
    const node = await kubectl([...files("node"), "get", "secrets"]);
    expect(node.stderr).toContain(
      'Error from server (Forbidden): secrets is forbidden: User "system:node:n1" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
  });
});
