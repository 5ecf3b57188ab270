// PKCS#10 parsing and signing against openssl: requests openssl writes (EC and RSA, with SANs)
// parse with their names and a valid signature; a tampered one does not verify; non-CSR PEM fails.
import { afterAll, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificateAuthority } from "./issue-certificate.ts";
import { parseCsrPem } from "./parse-csr.ts";
import { generatePrivateKey } from "./private-key.ts";
import { signCsr } from "./sign-csr.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-csr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): void {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr.toString()}`);
}

function makeCsr(name: string, keyArgs: string[], subj: string, san?: string): string {
  openssl(["genpkey", ...keyArgs, "-out", `${name}.key`]);
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
  return readFileSync(join(dir, `${name}.csr`), "utf8");
}

test("an EC request from openssl: CN, every O, SANs, a valid signature", () => {
  const pem = makeCsr(
    "ec",
    ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "/O=system:nodes/O=extra/CN=system:node:n1",
    "DNS:n1.example,IP:10.0.0.7,IP:fd00::1,email:a@b.c",
  );
  const r = parseCsrPem(pem);
  expect(r.commonName).toBe("system:node:n1");
  expect(r.organizations).toEqual(["system:nodes", "extra"]);
  expect(r.dnsNames).toEqual(["n1.example"]);
  expect(r.ipAddresses).toEqual(["10.0.0.7", "fd00::1"]);
  expect(r.emailAddresses).toEqual(["a@b.c"]);
  expect(r.publicKeyType).toBe("ec");
  expect(r.signatureValid).toBe(true);
});

test("an RSA request verifies; one byte changed in the signed part does not", () => {
  const pem = makeCsr("rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "/CN=jane");
  const r = parseCsrPem(pem);
  expect(r.commonName).toBe("jane");
  expect(r.publicKeyType).toBe("rsa");
  expect(r.signatureValid).toBe(true);
  const der = new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64"));
  const at = der.indexOf(0x6a, 10); // the "j" of jane in the subject
  der[at] = 0x6b;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  const t = parseCsrPem(tampered);
  expect(t.commonName).toBe("kane");
  expect(t.signatureValid).toBe(false);
});

test("not a CSR: upstream's message", () => {
  expect(() => parseCsrPem("hello")).toThrow("PEM block type must be CERTIFICATE REQUEST");
  expect(() => parseCsrPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toThrow(
    "PEM block type must be CERTIFICATE REQUEST",
  );
  expect(() =>
    parseCsrPem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
  ).toThrow(/asn1: structure error/);
});

test("signCsr: the subject, SANs and key of the request, the usages asked, verified by openssl", async () => {
  const pem = makeCsr(
    "leaf",
    ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "/O=system:nodes/CN=system:node:n1",
    "DNS:n1,IP:10.0.0.7",
  );
  const key = await generatePrivateKey();
  const ca = await createCertificateAuthority({ commonName: "kt-ca", key });
  const now = new Date();
  const certPem = signCsr({
    ca,
    request: parseCsrPem(pem),
    usages: ["digital signature", "key encipherment", "server auth"],
    durationMs: 3600_000,
    now,
  });
  const cert = new X509Certificate(certPem);
  expect(cert.subject).toBe("O=system:nodes\nCN=system:node:n1");
  expect(cert.subjectAltName).toBe("DNS:n1, IP Address:10.0.0.7");
  expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  expect(cert.ca).toBe(false);
  expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  expect(Math.abs(cert.validToDate.getTime() - (now.getTime() + 3600_000))).toBeLessThan(1000);
  writeFileSync(join(dir, "ca.crt"), ca.certPem);
  writeFileSync(join(dir, "leaf.crt"), certPem);
  openssl(["verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "leaf.crt"]);
  const pub = Bun.spawnSync(["openssl", "x509", "-in", "leaf.crt", "-noout", "-pubkey"], { cwd: dir });
  const keyPub = Bun.spawnSync(["openssl", "pkey", "-in", "leaf.key", "-pubout"], { cwd: dir });
  expect(pub.stdout.toString()).toBe(keyPub.stdout.toString());
  expect(() => signCsr({ ca, request: parseCsrPem(pem), usages: ["bogus"], durationMs: 1 })).toThrow(
    "unknown key usage: bogus",
  );
});
