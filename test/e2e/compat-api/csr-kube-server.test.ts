// `kube server` signs CSRs with its own cluster CA: a user's CSR approved with kubectl becomes a
// client certificate the apiserver accepts (kubectl auth whoami says who), and RBAC applies to it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { type Kubectl, kubectlBinary, kubectlWithKubeconfig } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

const ready = process.getuid?.() === 0 && kubectlBinary() !== null;
let server: KubeServer | undefined;
let jane: Kubectl | undefined;
const dir = mkdtempSync(join(tmpdir(), "kt-csr-server-"));

beforeAll(async () => {
  if (ready) server = await startKubeServer({ nodes: 1 });
}, 90_000);

afterAll(async () => {
  jane?.cleanup();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): string {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

test.skipIf(!ready)(
  "a CSR approved with kubectl is signed by the cluster CA and logs in as its subject",
  async () => {
    const s = server as KubeServer;
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "jane.key"]);
    openssl(["req", "-new", "-key", "jane.key", "-subj", "/O=kt-dev/CN=jane", "-out", "jane.csr"]);
    const request = Buffer.from(readFileSync(join(dir, "jane.csr"))).toString("base64");
    const manifest = `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: jane}
spec:
  request: ${request}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 3600
  usages: [client auth]
`;
    const created = await s.kubectl(["create", "-f", "-"], { stdin: manifest });
    expect(created.stderr).toBe("");
    expect((await s.kubectl(["certificate", "approve", "jane"])).stdout.trim()).toBe(
      "certificatesigningrequest.certificates.k8s.io/jane approved",
    );
    const cert = await until(
      "jane's certificate",
      async () =>
        (await s.kubectl(["get", "csr", "jane", "-o", "jsonpath={.status.certificate}"])).stdout || undefined,
      { timeoutMs: 20_000 },
    );
    writeFileSync(join(dir, "jane.crt"), Buffer.from(cert, "base64"));
    copyFileSync(join(s.dataDir, "tls", "ca.crt"), join(dir, "ca.crt"));
    expect(openssl(["verify", "-CAfile", "ca.crt", "jane.crt"]).trim()).toBe("jane.crt: OK");
    // About an hour of validity, as expirationSeconds asked (the signer backdates by five minutes).
    const end = Date.parse(
      openssl(["x509", "-in", "jane.crt", "-noout", "-enddate"]).trim().replace("notAfter=", ""),
    );
    expect(Math.abs(end - (Date.now() + 3600_000))).toBeLessThan(120_000);

    const kubeconfig = join(dir, "jane.kubeconfig");
    copyFileSync(s.kubeconfig, kubeconfig);
    jane = kubectlWithKubeconfig(kubeconfig);
    const set = await jane([
      "config",
      "set-credentials",
      "jane",
      `--client-certificate=${join(dir, "jane.crt")}`,
      `--client-key=${join(dir, "jane.key")}`,
      "--embed-certs=true",
    ]);
    expect(set.code).toBe(0);
    const context = (await jane(["config", "current-context"])).stdout.trim();
    expect((await jane(["config", "set-context", context, "--user=jane"])).code).toBe(0);
    const who = await jane([
      "auth",
      "whoami",
      "-o",
      "jsonpath={.status.userInfo.username} {.status.userInfo.groups}",
    ]);
    expect(who.stderr).toBe("");
    expect(who.stdout).toBe('jane ["kt-dev","system:authenticated"]');
    const pods = await jane(["get", "pods"]);
    expect(pods.stderr).toContain(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  },
  90_000,
);
