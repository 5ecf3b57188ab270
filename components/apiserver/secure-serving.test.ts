// Secure serving end to end: the apiserver's TLS front hands the client certificate to the
// filter chain (contextOf(req).peer); the real kubectl works through it with a client cert.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificateAuthority, issueCertificate } from "../../lib/pki/issue-certificate.ts";
import { parseCertificate } from "../../lib/pki/parse-certificate.ts";
import { certificatesFromPem } from "../../lib/pki/pem.ts";
import { generatePrivateKey } from "../../lib/pki/private-key.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { kubectlBinary, kubectlWithKubeconfig } from "../../test/harness/kubectl.ts";
import { GROUPS } from "./authn/user-info.ts";
import type { Filter } from "./filters/chain.ts";
import { contextOf, type PeerCertificate, withUser } from "./filters/request-context.ts";
import { startApiserver } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-secure-serving-"));
const ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const foreign = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const serverKey = await generatePrivateKey();
const serverCert = await issueCertificate({
  ca,
  key: serverKey,
  commonName: "kube-apiserver",
  usage: "server",
  sans: ["127.0.0.1", "localhost"],
});
const adminKey = await generatePrivateKey();
const adminCert = await issueCertificate({
  ca,
  key: adminKey,
  commonName: "kubernetes-admin",
  organizations: [GROUPS.masters],
  usage: "client",
});
const strangerCert = await issueCertificate({
  ca: foreign,
  key: adminKey,
  commonName: "eve",
  usage: "client",
});

/** What the chain saw, per request path. */
const seen = new Map<string, PeerCertificate | null>();
/** The test's stand-in for the authentication filter: a verified certificate's CN is the user. */
const certUser: Filter = (next) => async (req) => {
  // In-process and insecure-port requests carry their user already.
  if (contextOf(req).user) return next(req);
  const peer = contextOf(req).peer;
  seen.set(new URL(req.url).pathname + new URL(req.url).search, peer ?? null);
  if (!peer?.authorized || !peer.chain[0]) {
    return Response.json(
      {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      },
      { status: 401 },
    );
  }
  const cert = parseCertificate(peer.chain[0]);
  return next(
    withUser(req, { username: cert.subjectCN, groups: [...cert.organizations, GROUPS.authenticated] }),
  );
};

const kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
const api = await startApiserver({
  kv,
  compactionIntervalMs: 0,
  bindAddress: "127.0.0.1",
  port: 0,
  secure: {
    bindAddress: "127.0.0.1",
    port: 0,
    certPem: serverCert,
    keyPem: serverKey.pem,
    clientCaPem: ca.certPem,
  },
  filters: [certUser],
});
afterAll(async () => {
  await api.stop();
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

const tls = (cert?: string) => ({ tls: { ca: ca.certPem, ...(cert ? { cert, key: adminKey.pem } : {}) } });

describe("secure serving", () => {
  test("serves https at secureUrl, next to the insecure port", () => {
    expect(api.secureUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("a client certificate from the client CA reaches the chain authorized, with its DER", async () => {
    const res = await fetch(`${api.secureUrl}/api/v1/namespaces?a=1`, tls(adminCert));
    expect(res.status).toBe(200);
    const peer = seen.get("/api/v1/namespaces?a=1");
    expect(peer?.authorized).toBe(true);
    expect(peer?.chain).toEqual([certificatesFromPem(adminCert)[0] as Uint8Array]);
  });

  test("a certificate from another CA arrives unauthorized, with the reason", async () => {
    const res = await fetch(`${api.secureUrl}/version?b=1`, tls(strangerCert));
    expect(res.status).toBe(401);
    const peer = seen.get("/version?b=1");
    expect(peer?.authorized).toBe(false);
    expect(peer?.authorizationError).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  test("no certificate, no peer", async () => {
    const res = await fetch(`${api.secureUrl}/version?c=1`, tls());
    expect(res.status).toBe(401);
    expect(seen.get("/version?c=1")).toBeNull();
  });

  test("the insecure port keeps its user and has no peer", async () => {
    const res = await fetch(`${api.url}/api/v1/namespaces/default`);
    expect(res.status).toBe(200);
  });

  test("the kubernetes Service's endpoints name the secure port", async () => {
    const res = await fetch(`${api.url}/api/v1/namespaces/default/endpoints/kubernetes`);
    const ep = (await res.json()) as { subsets: { ports: { port: number }[] }[] };
    expect(ep.subsets[0]?.ports[0]?.port).toBe(Number(new URL(api.secureUrl ?? "").port));
  });

  test("an exec websocket upgrades through the TLS front and relays to the kubelet", async () => {
    // A stand-in kubelet: accepts the exec websocket and echoes each message.
    const kubelet = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, srv) =>
        new URL(req.url).pathname === "/exec/default/p/c" &&
        srv.upgrade(req, { data: undefined, headers: { "Sec-WebSocket-Protocol": "v5.channel.k8s.io" } })
          ? undefined
          : new Response("no", { status: 404 }),
      websocket: { message: (ws, m) => void ws.send(m) },
    });
    try {
      const post = (path: string, body: object, method = "POST") =>
        fetch(`${api.url}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const node = { apiVersion: "v1", kind: "Node", metadata: { name: "kt-n1" } };
      expect((await post("/api/v1/nodes", node)).status).toBe(201);
      const status = {
        ...node,
        status: {
          addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
          daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
        },
      };
      expect((await post("/api/v1/nodes/kt-n1/status", status, "PUT")).status).toBe(200);
      await post("/api/v1/namespaces/default/serviceaccounts", { metadata: { name: "default" } });
      const pod = {
        metadata: { name: "p" },
        spec: {
          nodeName: "kt-n1",
          automountServiceAccountToken: false,
          containers: [{ name: "c", image: "x" }],
        },
      };
      const created = await post("/api/v1/namespaces/default/pods", pod);
      expect(created.status).toBe(201);

      const wsUrl = `${api.secureUrl?.replace("https", "wss")}/api/v1/namespaces/default/pods/p/exec?command=sh&container=c&stdout=true`;
      const ws = new WebSocket(wsUrl, {
        protocols: ["v5.channel.k8s.io"],
        tls: { ca: ca.certPem, cert: adminCert, key: adminKey.pem },
      } as unknown as string[]);
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.onopen = () => ws.send("hello");
        ws.onmessage = (e) =>
          resolve(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer));
        ws.onerror = () => reject(new Error("websocket failed"));
      });
      expect(echoed).toBe("hello");
      expect(ws.protocol).toBe("v5.channel.k8s.io");
      ws.close();
    } finally {
      await kubelet.stop(true);
    }
  });

  test.skipIf(!kubectlBinary())("kubectl with a client certificate in its kubeconfig", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const kubectl = kubectlWithKubeconfig();
    try {
      kubectl.file(
        "kubeconfig",
        `apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: "${api.secureUrl}", certificate-authority-data: ${b64(ca.certPem)}}}]
contexts: [{name: kt, context: {cluster: kt, user: admin}}]
current-context: kt
users: [{name: admin, user: {client-certificate-data: ${b64(adminCert)}, client-key-data: ${b64(adminKey.pem)}}}]
`,
      );
      const r = await kubectl(["get", "namespaces", "-o", "name"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("namespace/default");
      const v = await kubectl(["version", "-o", "json"]);
      expect(v.code).toBe(0);
      expect(v.stdout).toContain('"serverVersion"');
    } finally {
      kubectl.cleanup();
    }
  });
});
