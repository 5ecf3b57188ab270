// What kube reads from an X.509 certificate: the subject's CN and O values (the user and groups
// of upstream's x509 authenticator, request.CommonNameUserConversion), validity, issuer, SANs
// and the SHA-256 fingerprint. node:crypto's native parser: ~30 µs a certificate.
import { createHash, X509Certificate } from "node:crypto";
import { children, type Element } from "./der.ts";
import { certificatesFromPem } from "./pem.ts";

export interface CertificateInfo {
  readonly subjectCN: string;
  /** Subject O values in order (groups, for a client certificate). */
  readonly organizations: readonly string[];
  /** The subject, one "TYPE=value" per line, as openssl prints it. */
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DNS names and IP addresses (IPv6 compressed) of the SubjectAlternativeName extension. */
  readonly sans: readonly string[];
  /** Upper-case hex, as openssl prints it. */
  readonly serialNumber: string;
  readonly isCa: boolean;
  /** Extended key usage OIDs (empty: any usage). */
  readonly extKeyUsages: readonly string[];
  /** Subject and authority key identifiers, upper-case hex ("" when absent). */
  readonly subjectKeyId: string;
  readonly authorityKeyId: string;
  /** Lower-case hex SHA-256 of the DER. */
  readonly fingerprint: string;
  readonly der: Uint8Array;
}

/** Parses a DER certificate or the first CERTIFICATE block of a PEM text; throws if malformed. */
export function parseCertificate(derOrPem: Uint8Array | string): CertificateInfo {
  const der = typeof derOrPem === "string" ? certificatesFromPem(derOrPem)[0] : derOrPem;
  if (!der) throw new Error("no CERTIFICATE block in the PEM text");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (err) {
    throw new Error(`x509: malformed certificate: ${(err as Error).message}`);
  }
  // The legacy object holds the subject's values unescaped, a list where a type repeats.
  const subject = cert.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>;
  return {
    subjectCN: values(subject.CN)[0] ?? "",
    organizations: values(subject.O),
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.validFromDate,
    notAfter: cert.validToDate,
    sans: subjectAltNames(cert.subjectAltName),
    serialNumber: cert.serialNumber,
    isCa: cert.ca,
    extKeyUsages: cert.keyUsage ?? [],
    ...keyIds(der),
    fingerprint: createHash("sha256").update(der).digest("hex"),
    der: new Uint8Array(der),
  };
}

function values(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** "DNS:a, IP Address:10.0.0.1" (node's text) to ["a", "10.0.0.1"]; other name types are left out. */
function subjectAltNames(text: string | undefined): string[] {
  const out: string[] = [];
  for (const entry of text ? text.split(", ") : []) {
    if (entry.startsWith("DNS:")) out.push(entry.slice(4));
    else if (entry.startsWith("IP Address:")) out.push(compressIp(entry.slice(11)));
  }
  return out;
}

function compressIp(ip: string): string {
  return ip.includes(":") ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

const SKI = "0603551d0e";
const AKI = "0603551d23";
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/** The key identifier extensions, read from the DER (node:crypto does not expose them). */
function keyIds(der: Uint8Array): { subjectKeyId: string; authorityKeyId: string } {
  const ids = { subjectKeyId: "", authorityKeyId: "" };
  try {
    const tbs = children(children(children(der)[0]?.body ?? der)[0]?.body ?? der);
    const wrapped = tbs.find((e) => e.tag === 0xa3);
    const list = wrapped ? children(children(wrapped.body)[0]?.body ?? der) : [];
    for (const ext of list) {
      const parts = children(ext.body);
      const id = parts[0] ? hex(parts[0].raw).toLowerCase() : "";
      const value = (parts.at(-1) as Element).body;
      if (id === SKI) ids.subjectKeyId = hex(children(value)[0]?.body ?? new Uint8Array());
      if (id === AKI) {
        const keyId = children(children(value)[0]?.body ?? new Uint8Array()).find((e) => e.tag === 0x80);
        ids.authorityKeyId = keyId ? hex(keyId.body) : "";
      }
    }
  } catch {
    // A malformed extension leaves the identifiers empty; node:crypto accepted the certificate.
  }
  return ids;
}
