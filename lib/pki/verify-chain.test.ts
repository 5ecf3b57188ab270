import { describe, expect, test } from "bun:test";
import { createCertificateAuthority, issueCertificate } from "./issue-certificate.ts";
import { certificatesFromPem } from "./pem.ts";
import { generatePrivateKey } from "./private-key.ts";
import { verifyChain } from "./verify-chain.ts";

const now = new Date("2026-06-01T12:00:00Z");
const key = await generatePrivateKey();
const ca = await createCertificateAuthority({ commonName: "ca", key: await generatePrivateKey(), now });
const other = await createCertificateAuthority({ commonName: "ca", key: await generatePrivateKey(), now });
const der = (pem: string) => certificatesFromPem(pem)[0] as Uint8Array;
const client = der(await issueCertificate({ ca, key, commonName: "alice", usage: "client", now }));

describe("verifyChain", () => {
  test("a leaf signed by a CA in the bundle verifies, with the chain", () => {
    const r = verifyChain(client, [other.certPem, ca.certPem], now, { usage: "client" });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.chain).toEqual([client, der(ca.certPem)]);
  });
  test("a CA with the same name but another key is an unknown authority", () => {
    expect(verifyChain(client, other.certPem, now)).toEqual({
      ok: false,
      error: "x509: certificate signed by unknown authority",
    });
  });
  test("expired and not yet valid, in Go's words", () => {
    expect(verifyChain(client, ca.certPem, new Date("2027-06-01T12:00:01Z"))).toEqual({
      ok: false,
      error:
        "x509: certificate has expired or is not yet valid: current time 2027-06-01T12:00:01Z is after 2027-06-01T12:00:00Z",
    });
    expect(verifyChain(client, ca.certPem, new Date("2026-06-01T10:00:00Z"))).toEqual({
      ok: false,
      error:
        "x509: certificate has expired or is not yet valid: current time 2026-06-01T10:00:00Z is before 2026-06-01T11:00:00Z",
    });
  });
  test("a server certificate is not accepted for client auth", async () => {
    const server = der(await issueCertificate({ ca, key, commonName: "s", usage: "server", now }));
    expect(verifyChain(server, ca.certPem, now, { usage: "client" })).toEqual({
      ok: false,
      error: "x509: certificate specifies an incompatible key usage",
    });
  });
  test("an intermediate the client sends links the leaf to the root", async () => {
    const interKey = await generatePrivateKey();
    const inter = await createCertificateAuthority({ commonName: "inter", key: interKey, now });
    // Re-sign the intermediate's key by the root: an intermediate CA certificate.
    const interByRoot = { certPem: await issueIntermediate(inter.key), key: interKey };
    const leaf = der(
      await issueCertificate({ ca: interByRoot, key, commonName: "bob", usage: "client", now }),
    );
    expect(verifyChain(leaf, ca.certPem, now).ok).toBe(false);
    const r = verifyChain(leaf, ca.certPem, now, { intermediates: [der(interByRoot.certPem)] });
    expect(r.ok).toBe(true);
  });
  test("garbage is a malformed certificate", () => {
    const r = verifyChain(new Uint8Array([1, 2, 3]), ca.certPem, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toStartWith("x509: malformed certificate");
  });
});

async function issueIntermediate(k: Awaited<ReturnType<typeof generatePrivateKey>>): Promise<string> {
  const { loadX509 } = await import("./x509.ts");
  const x509 = loadX509();
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=inter",
    issuer: new x509.X509Certificate(ca.certPem).subjectName,
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + 86_400_000),
    signingAlgorithm: ca.key.signingAlgorithm,
    publicKey: k.publicKey,
    signingKey: ca.key.signingKey,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return cert.toString("pem");
}
