import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificateAuthority, issueCertificate } from "./issue-certificate.ts";
import { parseCertificate } from "./parse-certificate.ts";
import { generatePrivateKey, loadPrivateKey } from "./private-key.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-pki-issue-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): { ok: boolean; out: string } {
  const r = Bun.spawnSync(["openssl", ...args], { stderr: "pipe" });
  return { ok: r.exitCode === 0, out: r.stdout.toString() + r.stderr.toString() };
}

describe("issueCertificate", () => {
  test("a client certificate: CN user, O groups, clientAuth, verified by openssl", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const ca = await createCertificateAuthority({
      commonName: "test-ca",
      key: await generatePrivateKey(),
      now,
    });
    const pem = await issueCertificate({
      ca,
      key: await generatePrivateKey(),
      commonName: "system:node:n1",
      organizations: ["system:nodes", "a, b"],
      usage: "client",
      now,
    });
    const info = parseCertificate(pem);
    expect(info.subjectCN).toBe("system:node:n1");
    expect(info.organizations).toEqual(["system:nodes", "a, b"]);
    expect(info.extKeyUsages).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(info.isCa).toBe(false);
    expect(info.notBefore).toEqual(new Date("2025-12-31T23:00:00Z"));
    expect(info.notAfter).toEqual(new Date("2027-01-01T00:00:00Z"));
    const caInfo = parseCertificate(ca.certPem);
    expect(caInfo.isCa).toBe(true);
    expect(caInfo.subjectKeyId).toMatch(/^[0-9A-F]{40}$/);
    expect(info.authorityKeyId).toBe(caInfo.subjectKeyId);
    expect(caInfo.notAfter).toEqual(new Date(now.getTime() + 3650 * 86_400_000));
    writeFileSync(join(dir, "ca.crt"), ca.certPem);
    writeFileSync(join(dir, "client.crt"), pem);
    const v = openssl(
      "verify",
      "-attime",
      String(now.getTime() / 1000),
      "-purpose",
      "sslclient",
      "-CAfile",
      join(dir, "ca.crt"),
      join(dir, "client.crt"),
    );
    expect(v.out).toContain("client.crt: OK");
    // A client certificate is no server certificate.
    expect(
      openssl(
        "verify",
        "-attime",
        String(now.getTime() / 1000),
        "-purpose",
        "sslserver",
        "-CAfile",
        join(dir, "ca.crt"),
        join(dir, "client.crt"),
      ).ok,
    ).toBe(false);
  });

  test("a server certificate with DNS and IP SANs, signed by an openssl-made RSA CA", async () => {
    const caKey = join(dir, "rsa-ca.key");
    const caCrt = join(dir, "rsa-ca.crt");
    expect(openssl("genrsa", "-traditional", "-out", caKey, "2048").ok).toBe(true);
    expect(
      openssl(
        "req",
        "-x509",
        "-new",
        "-key",
        caKey,
        "-subj",
        "/CN=seed-ca/O=Seed",
        "-days",
        "30",
        "-out",
        caCrt,
      ).ok,
    ).toBe(true);
    const ca = {
      certPem: readFileSync(caCrt, "utf8"),
      key: await loadPrivateKey(readFileSync(caKey, "utf8")),
    };
    const pem = await issueCertificate({
      ca,
      key: await generatePrivateKey(),
      commonName: "kube-apiserver",
      usage: "server",
      sans: ["localhost", "127.0.0.1", "::1", "kubernetes.default.svc"],
    });
    const info = parseCertificate(pem);
    expect(info.sans).toEqual(["localhost", "127.0.0.1", "::1", "kubernetes.default.svc"]);
    expect(info.issuer).toBe("CN=seed-ca\nO=Seed");
    writeFileSync(join(dir, "server.crt"), pem);
    expect(
      openssl("verify", "-purpose", "sslserver", "-CAfile", caCrt, join(dir, "server.crt")).out,
    ).toContain("server.crt: OK");
    expect(openssl("verify", "-CAfile", caCrt, "-verify_ip", "127.0.0.1", join(dir, "server.crt")).ok).toBe(
      true,
    );
    expect(openssl("verify", "-CAfile", caCrt, "-verify_ip", "10.0.0.9", join(dir, "server.crt")).ok).toBe(
      false,
    );
  });

  test("names with characters that mean something in RFC 4514 text go in verbatim", async () => {
    const key = await generatePrivateKey();
    const ca = await createCertificateAuthority({ commonName: "c", key });
    for (const v of ['q "x"', "a\\b", "#x", " lead", "a,b+c=d", "ü"]) {
      const info = parseCertificate(
        await issueCertificate({ ca, key, commonName: v, organizations: [v], usage: "client" }),
      );
      expect([info.subjectCN, info.organizations[0]]).toEqual([v, v]);
    }
  });
});
