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
    const inter = {
      certPem: await issueCertificate({ ca, key: interKey, commonName: "inter", usage: "ca", now }),
      key: interKey,
    };
    const leaf = der(await issueCertificate({ ca: inter, key, commonName: "bob", usage: "client", now }));
    expect(verifyChain(leaf, ca.certPem, now)).toEqual({
      ok: false,
      error: "x509: certificate signed by unknown authority",
    });
    const r = verifyChain(leaf, ca.certPem, now, { intermediates: [der(inter.certPem)], usage: "client" });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.chain.length).toBe(3);
    // A leaf (CA:FALSE) cannot act as an intermediate.
    const notCa = {
      certPem: await issueCertificate({ ca, key: interKey, commonName: "x", usage: "client", now }),
      key: interKey,
    };
    const leaf2 = der(
      await issueCertificate({ ca: notCa, key, commonName: "mallory", usage: "client", now }),
    );
    expect(verifyChain(leaf2, ca.certPem, now, { intermediates: [der(notCa.certPem)] }).ok).toBe(false);
  });
  test("garbage is a malformed certificate", () => {
    const r = verifyChain(new Uint8Array([1, 2, 3]), ca.certPem, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toStartWith("x509: malformed certificate");
  });
});
