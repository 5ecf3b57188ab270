import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createCertificateAuthority, issueCertificate } from "./issue-certificate.ts";
import { parseCertificate } from "./parse-certificate.ts";
import { certificatesFromPem } from "./pem.ts";
import { generatePrivateKey } from "./private-key.ts";

const now = new Date("2026-03-01T00:00:00Z");
const ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey(), now });
const pem = await issueCertificate({
  ca,
  key: await generatePrivateKey(),
  commonName: "kube-apiserver",
  organizations: ["a", "b"],
  usage: "client-server",
  sans: ["kubernetes.default.svc", "10.96.0.1", "fd00::1", "::ffff:10.0.0.1"],
  now,
});

describe("parseCertificate", () => {
  test("reads subject, issuer, validity, SANs, usages and fingerprint, from PEM or DER alike", () => {
    const der = certificatesFromPem(pem)[0] as Uint8Array;
    const info = parseCertificate(pem);
    expect(info).toMatchObject({
      subjectCN: "kube-apiserver",
      organizations: ["a", "b"],
      issuer: "CN=kt-ca",
      notBefore: new Date("2026-02-28T23:00:00Z"),
      notAfter: new Date("2027-03-01T00:00:00Z"),
      isCa: false,
      extKeyUsages: ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"],
      fingerprint: createHash("sha256").update(der).digest("hex"),
    });
    expect(info.sans).toEqual(["kubernetes.default.svc", "10.96.0.1", "fd00::1", "::ffff:a00:1"]);
    expect(parseCertificate(der)).toEqual(info);
  });
  test("key identifiers link a leaf to its CA", () => {
    expect(parseCertificate(pem).authorityKeyId).toBe(parseCertificate(ca.certPem).subjectKeyId);
    expect(parseCertificate(ca.certPem).subjectKeyId).toMatch(/^[0-9A-F]{40}$/);
  });
  test("bad input says what is wrong", () => {
    expect(() => parseCertificate("hello")).toThrow("no CERTIFICATE block in the PEM text");
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(
      "x509: malformed certificate",
    );
  });
});
