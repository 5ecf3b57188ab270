import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterIdentities } from "./cluster-identities.ts";
import { type ClusterPkiSpec, ensureClusterPki } from "./ensure-cluster-pki.ts";
import { parseCertificate } from "./parse-certificate.ts";
import { verifyChain } from "./verify-chain.ts";

const root = mkdtempSync(join(tmpdir(), "kt-pki-cluster-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec: ClusterPkiSpec = {
  serverSans: ["localhost", "127.0.0.1", "::1", "kubernetes.default.svc", "10.96.0.1"],
  clients: clusterIdentities(["n1"]),
  kubeletServing: [{ node: "n1", addresses: ["10.0.0.5"] }],
};

describe("ensureClusterPki", () => {
  test("makes every pair once, 0600 in a 0700 dir, and reuses them", async () => {
    const dir = join(root, "a", "tls");
    const oldUmask = process.umask(0o000);
    let first: Awaited<ReturnType<typeof ensureClusterPki>>;
    try {
      first = await ensureClusterPki(dir, spec);
    } finally {
      process.umask(oldUmask);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toContain("ca.crt");
    expect(files).toContain("kubelet-n1-serving.key");
    expect(files).toContain("service-account.pub");
    expect(files.length).toBe(2 + 2 + 2 * 6 + 2 + 2);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(first.written.length).toBe(files.length);

    const admin = parseCertificate(first.clients.admin?.certPem ?? "");
    expect([admin.subjectCN, admin.organizations]).toEqual(["kubernetes-admin", ["system:masters"]]);
    const kubelet = parseCertificate(first.clients["kubelet-n1"]?.certPem ?? "");
    expect([kubelet.subjectCN, kubelet.organizations]).toEqual(["system:node:n1", ["system:nodes"]]);
    const serving = parseCertificate(first.kubeletServing.n1?.certPem ?? "");
    expect(serving.sans).toEqual(["n1", "10.0.0.5"]);
    expect(parseCertificate(first.server.certPem).sans).toEqual(spec.serverSans);
    expect(verifyChain(kubelet.der, first.ca.certPem, new Date(), { usage: "client" }).ok).toBe(true);
    expect(verifyChain(serving.der, first.ca.certPem, new Date(), { usage: "server" }).ok).toBe(true);
    expect(first.serviceAccount.publicKeyPem).toStartWith("-----BEGIN PUBLIC KEY-----");

    const again = await ensureClusterPki(dir, spec);
    expect(again.written).toEqual([]);
    expect(again.ca.certPem).toBe(first.ca.certPem);
    expect(again.clients.admin?.keyPem).toBe(first.clients.admin?.keyPem as string);
    expect(again.serviceAccount.keyPem).toBe(first.serviceAccount.keyPem);
  });

  test("a changed SAN set reissues the serving certificate only; a new identity adds its pair", async () => {
    const dir = join(root, "b");
    const first = await ensureClusterPki(dir, spec);
    const next = await ensureClusterPki(dir, {
      ...spec,
      serverSans: [...spec.serverSans, "192.168.1.10"],
      clients: [...spec.clients, { name: "alice", commonName: "alice", organizations: ["dev"] }],
    });
    expect(next.written.sort()).toEqual(["alice.crt", "alice.key", "server.crt", "server.key"]);
    expect(next.ca.certPem).toBe(first.ca.certPem);
    expect(parseCertificate(next.server.certPem).sans).toContain("192.168.1.10");
    // The same addresses written another way are the same set.
    const same = await ensureClusterPki(dir, {
      ...spec,
      serverSans: [
        "LOCALHOST",
        "127.0.0.1",
        "0:0:0:0:0:0:0:1",
        "kubernetes.default.svc",
        "10.96.0.1",
        "192.168.1.10",
      ],
    });
    expect(same.written).toEqual([]);
  });

  test("a new CA reissues every leaf; a key that does not match its certificate is replaced", async () => {
    const dir = join(root, "c");
    const first = await ensureClusterPki(dir, spec);
    unlinkSync(join(dir, "kube-proxy.key"));
    const fixed = await ensureClusterPki(dir, spec);
    expect(fixed.written.sort()).toEqual(["kube-proxy.crt", "kube-proxy.key"]);
    unlinkSync(join(dir, "ca.crt"));
    await expect(ensureClusterPki(dir, spec)).rejects.toThrow("ca.key exists without");
    unlinkSync(join(dir, "ca.key"));
    const fresh = await ensureClusterPki(dir, spec);
    expect(fresh.ca.certPem).not.toBe(first.ca.certPem);
    expect(fresh.written.length).toBe(readdirSync(dir).length - 2); // all but the ServiceAccount pair
    expect(readFileSync(join(dir, "service-account.key"), "utf8")).toBe(first.serviceAccount.keyPem);
  });

  test("a certificate near expiry is renewed at start", async () => {
    const dir = join(root, "d");
    const first = await ensureClusterPki(dir, spec);
    const later = await ensureClusterPki(dir, { ...spec, now: new Date(Date.now() + 300 * 86_400_000) });
    expect(later.written).toContain("admin.crt");
    expect(later.ca.certPem).toBe(first.ca.certPem);
  });

  test("a CA the user made with openssl (RSA, PKCS#1 key) is used as it is", async () => {
    const dir = join(root, "f");
    mkdirSync(dir, { recursive: true });
    const openssl = (...args: string[]) => {
      const r = Bun.spawnSync(["openssl", ...args], { stderr: "pipe" });
      if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    };
    openssl("genrsa", "-traditional", "-out", join(dir, "ca.key"), "2048");
    openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      join(dir, "ca.key"),
      "-subj",
      "/CN=seed-ca",
      "-days",
      "30",
      "-out",
      join(dir, "ca.crt"),
    );
    const userCa = readFileSync(join(dir, "ca.crt"), "utf8");
    const pki = await ensureClusterPki(dir, spec);
    expect(pki.ca.certPem).toBe(userCa);
    expect(pki.written).not.toContain("ca.crt");
    const admin = parseCertificate(pki.clients.admin?.certPem ?? "");
    expect(admin.issuer).toBe("CN=seed-ca");
    expect(verifyChain(admin.der, userCa, new Date(), { usage: "client" }).ok).toBe(true);
    const v = Bun.spawnSync(["openssl", "verify", "-CAfile", join(dir, "ca.crt"), pki.server.certPath], {
      stderr: "pipe",
    });
    expect(v.stdout.toString()).toContain(": OK");
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  });

  test("a bad identity name is refused", async () => {
    await expect(
      ensureClusterPki(join(root, "e"), { ...spec, clients: [{ name: "../x", commonName: "x" }] }),
    ).rejects.toThrow('invalid certificate name "../x"');
  });
});
