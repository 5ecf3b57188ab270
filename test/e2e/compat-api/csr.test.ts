// CertificateSigningRequests with the real kubectl and openssl: create, `kubectl certificate
// approve` (the approval subresource), the csrsigning controller issuing from the cluster CA, a
// certificate openssl verifies, deny, the per-signer checks (Failed), and bad requests refused.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import { csrApprovingController } from "../../../components/controller-manager/certificates/csr-approving-controller.ts";
import { csrSigningController } from "../../../components/controller-manager/certificates/csr-signing-controller.ts";
import { startControllerManager } from "../../../components/controller-manager/controller-manager.ts";
import { ApiClient } from "../../../lib/client/api-client.ts";
import type { Component } from "../../../lib/component.ts";
import { createCertificateAuthority } from "../../../lib/pki/issue-certificate.ts";
import { generatePrivateKey } from "../../../lib/pki/private-key.ts";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

// kubectl and openssl processes per test: 24 s at a load of 30 on 2 cores.
setDefaultTimeout(90_000);
const HAVE_KUBECTL = kubectlBinary() !== null;
const CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
let api: TestApiserver;
let cm: Component;
let kubectl: Kubectl;
let client: ApiClient;
const dir = mkdtempSync(join(tmpdir(), "kt-csr-e2e-"));
let caPem = "";

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  const ca = await createCertificateAuthority({
    commonName: "kt-signing-ca",
    key: await generatePrivateKey(),
  });
  caPem = ca.certPem;
  writeFileSync(join(dir, "ca.crt"), ca.certPem);
  cm = await startControllerManager({
    client,
    controllers: [csrSigningController, csrApprovingController],
    leaderElect: false,
    options: {
      allocateNodeCIDRs: false,
      nodeMonitorGracePeriodMs: 40_000,
      podEvictionTimeoutMs: 300_000,
      workers: 2,
      clusterSigningCert: ca.certPem,
      clusterSigningKey: ca.key.pem,
    },
    log: () => {},
  });
  await cm.ready;
  kubectl = kubectlFor(api.url);
});

afterAll(async () => {
  kubectl?.cleanup();
  await cm?.stop();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): string {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** A key and CSR made by openssl; returns the CSR PEM base64 (spec.request). */
function request(name: string, subj: string, san?: string): string {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
  openssl([
    "req",
    "-new",
    "-key",
    `${name}.key`,
    "-subj",
    subj,
    ...(san ? ["-addext", `subjectAltName=${san}`] : []),
    "-out",
    `${name}.csr`,
  ]);
  return Buffer.from(readFileSync(join(dir, `${name}.csr`))).toString("base64");
}

function manifest(name: string, req: string, signerName: string, usages: string[], extra = ""): string {
  return `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ${name}
spec:
  request: ${req}
  signerName: ${signerName}
  usages: [${usages.map((u) => JSON.stringify(u)).join(", ")}]
${extra}`;
}

const getCsr = (name: string) => client.get<CertificateSigningRequest>(`${CSRS}/${name}`);

test.skipIf(!HAVE_KUBECTL)(
  "kubectl certificate approve: the signer issues a client certificate openssl verifies",
  async () => {
    const req = request("jane", "/O=dev/CN=jane");
    const file = kubectl.file(
      "jane.yaml",
      manifest(
        "jane",
        req,
        "kubernetes.io/kube-apiserver-client",
        ["client auth"],
        "  expirationSeconds: 86400\n",
      ),
    );
    const created = await kubectl(["create", "-f", file]);
    expect(created.stderr).toBe("");
    expect(created.stdout.trim()).toBe("certificatesigningrequest.certificates.k8s.io/jane created");
    const stored = await getCsr("jane");
    // The requester is stamped by the apiserver (the insecure port's user), whatever the body said.
    expect(stored.spec.username).toBe("system:unsecured");
    expect(stored.spec.groups).toContain("system:authenticated");
    const pending = await kubectl(["get", "csr", "jane", "--no-headers"]);
    expect(pending.stdout).toMatch(
      /^jane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+system:unsecured\s+24h\s+Pending\s*$/,
    );

    const approved = await kubectl(["certificate", "approve", "jane"]);
    expect(approved.stderr).toBe("");
    expect(approved.stdout.trim()).toBe("certificatesigningrequest.certificates.k8s.io/jane approved");
    const issued = await until("jane issued", async () => (await getCsr("jane")).status?.certificate, {
      timeoutMs: 10_000,
    });
    const condition = (await getCsr("jane")).status?.conditions?.[0];
    expect(condition).toMatchObject({ type: "Approved", status: "True", reason: "KubectlApprove" });
    expect(condition?.lastUpdateTime).toBeTruthy();
    writeFileSync(join(dir, "jane.crt"), Buffer.from(issued, "base64"));
    expect(openssl(["verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "jane.crt"]).trim()).toBe(
      "jane.crt: OK",
    );
    expect(openssl(["x509", "-in", "jane.crt", "-noout", "-subject"]).trim()).toBe(
      "subject=O = dev, CN = jane",
    );
    const list = await kubectl(["get", "csr", "jane", "--no-headers"]);
    expect(list.stdout).toMatch(/Approved,Issued\s*$/);
    expect(caPem).toContain("BEGIN CERTIFICATE");
  },
);

test.skipIf(!HAVE_KUBECTL)(
  "kubectl certificate deny: Denied, never signed; approving it afterwards is refused",
  async () => {
    const file = kubectl.file(
      "bob.yaml",
      manifest("bob", request("bob", "/CN=bob"), "kubernetes.io/kube-apiserver-client", ["client auth"]),
    );
    expect((await kubectl(["create", "-f", file])).code).toBe(0);
    const denied = await kubectl(["certificate", "deny", "bob"]);
    expect(denied.stdout.trim()).toBe("certificatesigningrequest.certificates.k8s.io/bob denied");
    expect((await kubectl(["get", "csr", "bob", "--no-headers"])).stdout).toMatch(/Denied\s*$/);
    // kubectl refuses on its own; the API refuses a client that tries anyway.
    const again = await kubectl(["certificate", "approve", "bob"]);
    expect(again.stderr).toBe('error: certificate signing request "bob" is already Denied\n');
    const csr = await getCsr("bob");
    csr.status?.conditions?.push({ type: "Approved", status: "True", reason: "R", message: "m" });
    const res = await fetch(`${api.url}${CSRS}/bob/approval`, {
      method: "PUT",
      body: JSON.stringify(csr),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain(
      'status.conditions: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive',
    );
    expect((await getCsr("bob")).status?.certificate).toBeUndefined();
  },
);

test("a kubelet-serving request with the wrong subject fails the signer's checks (Failed, SignerValidationFailure)", async () => {
  const req = request("srv", "/O=not-nodes/CN=system:node:n1", "DNS:n1");
  await client.create(CSRS, {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name: "srv" },
    spec: {
      request: req,
      signerName: "kubernetes.io/kubelet-serving",
      usages: ["digital signature", "server auth"],
    },
  });
  const csr = await getCsr("srv");
  csr.status = { conditions: [{ type: "Approved", status: "True", reason: "Test", message: "ok" }] };
  await client.update(`${CSRS}/srv/approval`, csr);
  const failed = await until("srv failed", async () =>
    (await getCsr("srv")).status?.conditions?.find((c) => c.type === "Failed"),
  );
  expect(failed).toMatchObject({
    status: "True",
    reason: "SignerValidationFailure",
    message: "subject organization is not system:nodes",
  });
  expect((await getCsr("srv")).status?.certificate).toBeUndefined();
});

test("bad requests: not a CSR, short expiry, no signer, bad usage, system:masters, approval through /status", async () => {
  const base = (spec: Record<string, unknown>, name = "bad") => ({
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name },
    spec: { request: request("ok", "/CN=ok"), signerName: "example.com/x", usages: ["client auth"], ...spec },
  });
  const status = async (body: unknown): Promise<{ code: number; message: string }> => {
    const res = await fetch(`${api.url}${CSRS}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    const s = (await res.json()) as { code: number; message: string };
    return { code: res.status, message: s.message };
  };
  const notPem = await status(base({ request: Buffer.from("hello").toString("base64") }));
  expect(notPem.code).toBe(422);
  expect(notPem.message).toEndWith(
    '"bad" is invalid: spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST',
  );
  const short = await status(base({ expirationSeconds: 300 }));
  expect(short.message).toContain(
    "spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 600 seconds (10 minutes)",
  );
  const noSigner = await status(base({ signerName: undefined }));
  expect(noSigner.message).toContain("spec.signerName: Required value");
  const badSigner = await status(base({ signerName: "nodomain" }));
  expect(badSigner.message).toContain(
    "must be a fully qualified domain and path of the form 'example.com/signer-name'",
  );
  const badUsage = await status(base({ usages: ["flying"] }));
  expect(badUsage.message).toContain('spec.usages[0]: Unsupported value: "flying"');
  const noUsage = await status(base({ usages: [] }));
  expect(noUsage.message).toContain("spec.usages: Required value");
  const b64 = await status(base({ request: "!!!" }));
  expect(b64.code).toBe(400);
  const masters = await status(
    base({
      request: request("m", "/O=system:masters/CN=evil"),
      signerName: "kubernetes.io/kube-apiserver-client",
    }),
  );
  expect(masters).toEqual({
    code: 403,
    message:
      'certificatesigningrequests.certificates.k8s.io "bad" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
  });
  // Approval conditions only through /approval; the certificate only through /status.
  await client.create(CSRS, base({}, "sneaky"));
  const csr = await getCsr("sneaky");
  csr.status = { conditions: [{ type: "Approved", status: "True", reason: "R", message: "m" }] };
  const viaStatus = await fetch(`${api.url}${CSRS}/sneaky/status`, {
    method: "PUT",
    body: JSON.stringify(csr),
    headers: { "content-type": "application/json" },
  });
  expect(viaStatus.status).toBe(422);
  expect(((await viaStatus.json()) as { message: string }).message).toContain(
    'status.conditions: Forbidden: updates may not add a condition of type "Approved"',
  );
  const withCert = { ...csr, status: { certificate: Buffer.from("x").toString("base64") } };
  const viaApproval = await fetch(`${api.url}${CSRS}/sneaky/approval`, {
    method: "PUT",
    body: JSON.stringify(withCert),
    headers: { "content-type": "application/json" },
  });
  // The approval subresource only takes conditions: the certificate is dropped, nothing is stored.
  expect(viaApproval.status).toBe(200);
  expect((await getCsr("sneaky")).status?.certificate).toBeUndefined();
  // A spec change through the main resource is dropped (spec is immutable).
  const edited = await getCsr("sneaky");
  edited.spec.signerName = "example.com/other";
  await client.update(`${CSRS}/sneaky`, edited);
  expect((await getCsr("sneaky")).spec.signerName).toBe("example.com/x");
});

test("csrapproving: a kubelet client CSR is auto-approved and signed; one with a foreign subject is left alone", async () => {
  const body = (name: string, subj: string) => ({
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name },
    spec: {
      request: request(name, subj),
      signerName: "kubernetes.io/kube-apiserver-client-kubelet",
      usages: ["digital signature", "client auth"],
    },
  });
  await client.create(CSRS, body("node-n1", "/O=system:nodes/CN=system:node:n1"));
  await client.create(CSRS, body("not-a-node", "/O=other/CN=system:node:n2"));
  const cert = await until("node-n1 issued", async () => (await getCsr("node-n1")).status?.certificate, {
    timeoutMs: 10_000,
  });
  expect((await getCsr("node-n1")).status?.conditions?.[0]).toMatchObject({
    type: "Approved",
    status: "True",
    reason: "AutoApproved",
    message: "Auto approving kubelet client certificate after SubjectAccessReview.",
  });
  writeFileSync(join(dir, "node-n1.crt"), Buffer.from(cert, "base64"));
  expect(openssl(["x509", "-in", "node-n1.crt", "-noout", "-subject"]).trim()).toBe(
    "subject=O = system:nodes, CN = system:node:n1",
  );
  expect((await getCsr("not-a-node")).status?.conditions ?? []).toEqual([]);
});

test("list by field selector spec.signerName, as upstream's CSR fields allow", async () => {
  const list = await client.get<{ items: CertificateSigningRequest[] }>(
    `${CSRS}?fieldSelector=${encodeURIComponent("spec.signerName=kubernetes.io/kubelet-serving")}`,
  );
  expect(list.items.map((c) => c.metadata?.name)).toEqual(["srv"]);
  const bad = await fetch(`${api.url}${CSRS}?fieldSelector=spec.username%3Dx`);
  expect(bad.status).toBe(400);
});
