// Seed 004's "HTTPS access to apiserver" and "Credentials" sections replayed with its own
// commands: a CA and a serving certificate made with openssl (upstream's "creating
// certificates" recipe), a known_tokens.csv, `kube apiserver` with the seed's flags, the
// kubeconfig built with `kubectl config set-cluster --certificate-authority --embed-certs`, and
// a kubelet joining over https with its own kubeconfig. Then the bad credentials: each refused
// with upstream's words.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, kubectlBinary, kubectlWithKubeconfig } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

const haveTools = kubectlBinary() !== null && spawnSync("openssl", ["version"]).status === 0;
/** The real kubectl 1.33 beside the dispatcher, when installed. */
const kubectl133 = ((dispatcher) => {
  if (!dispatcher) return undefined;
  const path = join(dirname(realpathSync(dispatcher)), "kubectl.1.33");
  return existsSync(path) ? path : undefined;
})(kubectlBinary());

function openssl(cwd: string, ...args: string[]): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

/**
 * The csr.conf of upstream's "Certificates" task page, with the test's addresses, and
 * digitalSignature added to keyUsage: kube's own components are BoringSSL clients (Bun), which
 * refuse an ECDHE handshake with an RSA server certificate that lacks it (Go does not check).
 */
const csrConf = (masterIP: string, serviceIP: string) => `[ req ]
default_bits = 2048
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn

[ dn ]
C = FR
O = kt
CN = ${masterIP}

[ req_ext ]
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
DNS.3 = kubernetes.default.svc
DNS.4 = kubernetes.default.svc.cluster.local
IP.1 = ${masterIP}
IP.2 = ${serviceIP}

[ v3_ext ]
authorityKeyIdentifier=keyid,issuer:always
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment,dataEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=@alt_names
`;

const token = (): string =>
  Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36],
  ).join("");

describe.skipIf(!haveTools)("seed 004: HTTPS access to the apiserver with certificates and tokens", () => {
  let dir = "";
  let api: KubeProcess | undefined;
  let kubelet: KubeProcess | undefined;
  let kubectl: Kubectl;
  let server = "";
  const adminToken = token();
  const viewerToken = token();
  const kubeletToken = token();
  const node = `kt-seed004-${process.pid % 10000}`;

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-seed004-"));
    // "Generate a root cert ... use this to sign the master, kubelet & kubectl certs"
    openssl(dir, "genrsa", "-out", "ca.key", "2048");
    openssl(
      dir,
      "req",
      "-x509",
      "-new",
      "-nodes",
      "-key",
      "ca.key",
      "-subj",
      "/CN=127.0.0.1",
      "-days",
      "10000",
      "-out",
      "ca.crt",
    );
    openssl(dir, "genrsa", "-out", "server.key", "2048");
    writeFileSync(join(dir, "csr.conf"), csrConf("127.0.0.1", "10.0.0.1"));
    openssl(dir, "req", "-new", "-key", "server.key", "-out", "server.csr", "-config", "csr.conf");
    openssl(
      dir,
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.cert",
      "-days",
      "10000",
      "-extensions",
      "v3_ext",
      "-extfile",
      "csr.conf",
      "-sha256",
    );
    // A kubectl client certificate: CN is the user, O the group.
    openssl(dir, "genrsa", "-out", "alice.key", "2048");
    openssl(
      dir,
      "req",
      "-new",
      "-key",
      "alice.key",
      "-subj",
      "/CN=alice/O=system:masters",
      "-out",
      "alice.csr",
    );
    openssl(
      dir,
      "x509",
      "-req",
      "-in",
      "alice.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "alice.crt",
      "-days",
      "365",
    );
    // A certificate from a CA the apiserver does not trust.
    openssl(
      dir,
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "mallory.key",
      "-subj",
      "/CN=mallory/O=system:masters",
      "-days",
      "1",
      "-out",
      "mallory.crt",
    );
    // "Tokens need to be stored in a file for the apiserver to read": token,user,uid,"groups"
    writeFileSync(
      join(dir, "known_tokens.csv"),
      `${adminToken},admin,admin,"system:masters"\n${viewerToken},viewer,viewer\n${kubeletToken},system:node:${node},kubelet-1,"system:nodes"\n`,
    );
    api = spawnKube([
      kubeBinary,
      "apiserver",
      "--data-dir",
      join(dir, "db"),
      "--secure-port",
      "0",
      "--bind-address",
      "127.0.0.1",
      "--service-cluster-ip-range",
      "10.0.0.0/24",
      "--tls-cert-file",
      join(dir, "server.cert"),
      "--tls-private-key-file",
      join(dir, "server.key"),
      "--client-ca-file",
      join(dir, "ca.crt"),
      "--token-auth-file",
      join(dir, "known_tokens.csv"),
      "--admission-control=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota",
      "--allow-privileged=true",
      "--cluster-name=kt",
    ]);
    const m = await api.waitFor(/serving the Kubernetes API on (https:\/\/\S+)/, 20_000);
    server = m[1] ?? "";
    kubectl = kubectlWithKubeconfig();
    // "kubconfig file for administrators", https option, word for word.
    for (const args of [
      [
        "config",
        "set-cluster",
        "kt",
        `--certificate-authority=${join(dir, "ca.crt")}`,
        "--embed-certs=true",
        `--server=${server}`,
      ],
      ["config", "set-credentials", "admin", `--token=${adminToken}`],
      ["config", "set-context", "kt", "--cluster=kt", "--user=admin"],
      ["config", "use-context", "kt"],
    ]) {
      const r = await kubectl(args);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);

  afterAll(async () => {
    for (const p of [kubelet, api]) {
      p?.kill("SIGTERM");
      await p?.exited;
    }
    kubectl?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the apiserver warns about the removed flags the seed passes", () => {
    const err = api?.stderr() ?? "";
    expect(err).toContain("Flag --admission-control has been deprecated");
    expect(err).toContain("Flag --allow-privileged has been deprecated");
  });

  test("the admin's token from known_tokens.csv lists namespaces over https", async () => {
    const r = await kubectl(["get", "namespaces", "-o", "name"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("namespace/default");
    const who = await kubectl([
      "auth",
      "whoami",
      "-o",
      "jsonpath={.status.userInfo.username} {.status.userInfo.groups}",
    ]);
    expect(who.stdout).toBe('admin ["system:masters","system:authenticated"]');
  });

  // Skipped, not passed, where only the dispatcher is installed.
  test.skipIf(!kubectl133)(
    "kubectl 1.33 works with the same kubeconfig (1.32 is the dispatcher's own)",
    async () => {
      const r = spawnSync(
        kubectl133 as string,
        [`--kubeconfig=${kubectl.kubeconfig}`, "get", "namespaces", "-o", "name"],
        {
          encoding: "utf8",
          env: { ...process.env, HOME: kubectl.dir },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("namespace/kube-system");
    },
  );

  test("a client certificate signed by the CA authenticates as its CN and O", async () => {
    const set = await kubectl([
      "config",
      "set-credentials",
      "alice",
      `--client-certificate=${join(dir, "alice.crt")}`,
      `--client-key=${join(dir, "alice.key")}`,
      "--embed-certs=true",
    ]);
    expect(set.code, set.stderr).toBe(0);
    const r = await kubectl([
      "--user=alice",
      "auth",
      "whoami",
      "-o",
      "jsonpath={.status.userInfo.username} {.status.userInfo.groups}",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('alice ["system:masters","system:authenticated"]');
  });

  test("a wrong token, a foreign certificate: 401, kubectl says to log in", async () => {
    const wrong = await kubectl([`--token=${token()}`, "get", "pods"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
    await kubectl([
      "config",
      "set-credentials",
      "mallory",
      `--client-certificate=${join(dir, "mallory.crt")}`,
      `--client-key=${join(dir, "mallory.key")}`,
    ]);
    const foreign = await kubectl(["--user=mallory", "get", "pods"]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });

  test("a known user without a role: 403 with upstream's sentence; nothing created", async () => {
    const list = await kubectl([`--token=${viewerToken}`, "get", "pods"]);
    expect(list.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const create = await kubectl([
      `--token=${viewerToken}`,
      "create",
      "configmap",
      "kt-denied",
      "--from-literal=a=b",
    ]);
    expect(create.stderr).toContain('User "viewer" cannot create resource "configmaps"');
    const after = await kubectl(["get", "configmap", "kt-denied"]);
    expect(after.stderr).toContain("NotFound");
    const can = await kubectl(["auth", "can-i", "list", "pods", "--as", "viewer"]);
    expect(can.stdout.trim()).toBe("no");
  });

  test("a Role and a RoleBinding let the user read pods, still not write", async () => {
    // (The aggregated `view` role is filled by the controller manager, which this replay does not run.)
    const role = await kubectl(["create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods"]);
    expect(role.code, role.stderr).toBe(0);
    const bind = await kubectl([
      "create",
      "rolebinding",
      "viewer-pods",
      "--role=pod-reader",
      "--user=viewer",
    ]);
    expect(bind.code, bind.stderr).toBe(0);
    await until(
      "viewer may list pods",
      async () => (await kubectl([`--token=${viewerToken}`, "get", "pods"])).code === 0 || undefined,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const write = await kubectl([
      `--token=${viewerToken}`,
      "create",
      "configmap",
      "kt-denied",
      "--from-literal=a=b",
    ]);
    expect(write.code).toBe(1);
  });

  test("a kubelet joins over https with --api-servers and its own kubeconfig", async () => {
    const kc = join(dir, "kubelet.kubeconfig");
    writeFileSync(
      kc,
      `apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {certificate-authority: ca.crt, server: "${server}"}}]
users: [{name: kubelet, user: {token: ${kubeletToken}}}]
contexts: [{name: kt, context: {cluster: kt, user: kubelet}}]
current-context: kt
`,
    );
    kubelet = spawnKube([
      kubeBinary,
      "kubelet",
      `--api-servers=${server}`,
      `--kubeconfig=${kc}`,
      "--hostname-override",
      node,
      "--root-dir",
      join(dir, "kubelet"),
      "--runtime",
      "fake",
      "--port",
      "0",
      "--read-only-port",
      "0",
    ]);
    await until(
      `node ${node} Ready`,
      async () => {
        const r = await kubectl([
          "get",
          "node",
          node,
          "-o",
          "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
        ]);
        return r.stdout === "True" || undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, onTimeout: async () => console.error(kubelet?.stderr()) },
    );
    // The Node authorizer: this kubelet may not touch another node.
    const other = await kubectl([`--token=${kubeletToken}`, "label", "node", node, "kt=1"]);
    expect(other.code, other.stderr).toBe(0);
    const foreign = await kubectl([`--token=${kubeletToken}`, "create", "namespace", "kt-from-kubelet"]);
    expect(foreign.stderr).toContain("Forbidden");
  });
});
