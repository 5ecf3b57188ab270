// CSR approval under RBAC on the secure port of `kube apiserver` (token file): the requester is
// the authenticated user; `kubectl certificate approve` needs `approve` on the signer
// (CertificateApproval admission) and writing a certificate needs `sign` (CertificateSigning).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiserverArgv } from "../../harness/apiserver-argv.ts";
import { ensureKubeBuilt } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, type KubectlResult, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";

const HAVE_KUBECTL = kubectlBinary() !== null;
let dir = "";
let api: KubeProcess | undefined;
let url = "";
const CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

async function as(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    tls: { rejectUnauthorized: false },
  });
  return { code: res.status, body: (await res.json()) as Record<string, unknown> & { message?: string } };
}

const kubectls: Kubectl[] = [];
function kubectlAs(token: string): (args: string[]) => Promise<KubectlResult> {
  const k = kubectlFor(url);
  kubectls.push(k);
  return (args) => k(["--insecure-skip-tls-verify", "--token", token, ...args]);
}

beforeAll(async () => {
  if (!HAVE_KUBECTL) return;
  await ensureKubeBuilt();
  dir = mkdtempSync(join(tmpdir(), "kt-csr-rbac-"));
  writeFileSync(join(dir, "tokens.csv"), 'admin-token,admin,1,"system:masters"\napprover-token,approver,2\n');
  api = spawnKube(
    apiserverArgv(
      join(dir, "db"),
      "--token-auth-file",
      join(dir, "tokens.csv"),
      "--authorization-mode",
      "RBAC",
    ),
  );
  url = (await api.waitFor(/serving the Kubernetes API on (https:\/\/\S+)/, 30_000))[1] as string;
}, 60_000);

afterAll(async () => {
  for (const k of kubectls) k.cleanup();
  api?.kill("SIGTERM");
  await api?.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function csrPem(): string {
  const run = (args: string[]) => {
    const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  };
  run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "r.key"]);
  run(["req", "-new", "-key", "r.key", "-subj", "/CN=someone", "-out", "r.csr"]);
  return Buffer.from(readFileSync(join(dir, "r.csr"))).toString("base64");
}

test.skipIf(!HAVE_KUBECTL)(
  "approve needs `approve` on the signer; the certificate needs `sign`",
  async () => {
    const created = await as("admin-token", "POST", CSRS, {
      apiVersion: "certificates.k8s.io/v1",
      kind: "CertificateSigningRequest",
      metadata: { name: "r1" },
      spec: { request: csrPem(), signerName: "example.com/foo", usages: ["client auth"], username: "forged" },
    });
    expect(created.code).toBe(201);
    expect(created.body.spec).toMatchObject({
      username: "admin",
      uid: "1",
      groups: ["system:masters", "system:authenticated"],
    });

    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    const role = (withApprove: boolean) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "kt-csr-approver" },
      rules: [
        {
          apiGroups: ["certificates.k8s.io"],
          resources: ["certificatesigningrequests"],
          verbs: ["get", "list", "watch"],
        },
        {
          apiGroups: ["certificates.k8s.io"],
          resources: ["certificatesigningrequests/approval", "certificatesigningrequests/status"],
          verbs: ["update"],
        },
        ...(withApprove
          ? [
              {
                apiGroups: ["certificates.k8s.io"],
                resources: ["signers"],
                resourceNames: ["example.com/*"],
                verbs: ["approve"],
              },
            ]
          : []),
      ],
    });
    expect((await as("admin-token", "POST", `${rbac}/clusterroles`, role(false))).code).toBe(201);
    expect(
      (
        await as("admin-token", "POST", `${rbac}/clusterrolebindings`, {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "kt-csr-approver" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kt-csr-approver" },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "approver" }],
        })
      ).code,
    ).toBe(201);
    const approver = kubectlAs("approver-token");
    const refused = await approver(["certificate", "approve", "r1"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'certificatesigningrequests.certificates.k8s.io "r1" is forbidden: user not permitted to approve requests with signerName "example.com/foo"',
    );
    const current = await as("admin-token", "GET", `${CSRS}/r1`);
    expect((current.body.status as { conditions?: unknown[] } | undefined)?.conditions ?? []).toEqual([]);

    const updated = role(true) as Record<string, unknown>;
    updated.metadata = { name: "kt-csr-approver", resourceVersion: undefined };
    const put = await as("admin-token", "GET", `${rbac}/clusterroles/kt-csr-approver`);
    expect(
      (
        await as("admin-token", "PUT", `${rbac}/clusterroles/kt-csr-approver`, {
          ...updated,
          metadata: put.body.metadata,
        })
      ).code,
    ).toBe(200);
    const ok = await approver(["certificate", "approve", "r1"]);
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("certificatesigningrequest.certificates.k8s.io/r1 approved");

    // Writing a certificate is the signer's business: `sign`, which the approver does not hold.
    const csr = (await as("admin-token", "GET", `${CSRS}/r1`)).body;
    const x509 = Bun.spawnSync(
      ["openssl", "req", "-x509", "-key", "r.key", "-subj", "/CN=someone", "-days", "1", "-out", "c.crt"],
      { cwd: dir },
    );
    expect(x509.exitCode).toBe(0);
    const fake = Buffer.from(readFileSync(join(dir, "c.crt"))).toString("base64");
    const sign = await as("approver-token", "PUT", `${CSRS}/r1/status`, {
      ...csr,
      status: { ...(csr.status as object), certificate: fake },
    });
    expect(sign.code).toBe(403);
    expect(sign.body.message).toBe(
      'certificatesigningrequests.certificates.k8s.io "r1" is forbidden: user not permitted to sign requests with signerName "example.com/foo"',
    );
  },
  60_000,
);
