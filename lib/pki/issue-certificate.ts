// Self-signed CAs and the certificates they sign (client: CN = user, O = groups, EKU clientAuth;
// server: SANs, EKU serverAuth), the shapes of upstream's client-go util/cert and kubeadm's
// certs phase. Validity as k3s: CA 10 years, leaves 1 year; NotBefore an hour back for skew.

import { isIP } from "node:net";
import type * as X509 from "@peculiar/x509";
import type { PrivateKey } from "./private-key.ts";
import { loadX509 } from "./x509.ts";

export interface CertificateAuthority {
  certPem: string;
  key: PrivateKey;
}

export interface CaSpec {
  commonName: string;
  key: PrivateKey;
  /** Default 3650 (10 years). */
  validityDays?: number;
  now?: Date;
}

export interface LeafSpec {
  ca: CertificateAuthority;
  /** The key whose public half the certificate carries. */
  key: PrivateKey;
  commonName: string;
  /** Subject O values (Kubernetes reads them as the user's groups). */
  organizations?: string[];
  usage: "client" | "server" | "client-server";
  /** Subject alternative names: DNS names and IP addresses (v4 or v6). */
  sans?: string[];
  /** Default 365. */
  validityDays?: number;
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** client-go's GenerateSelfSignedCertKey backdates by an hour so skewed clocks still accept it. */
const BACKDATE_MS = 60 * 60 * 1000;

export async function createCertificateAuthority(spec: CaSpec): Promise<CertificateAuthority> {
  const x509 = loadX509();
  const now = spec.now ?? new Date();
  const name = distinguishedName(spec.commonName, []);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: name,
    issuer: name,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + (spec.validityDays ?? 3650) * DAY_MS),
    signingAlgorithm: spec.key.signingAlgorithm,
    publicKey: spec.key.publicKey,
    signingKey: spec.key.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(spec.key.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), key: spec.key };
}

export async function issueCertificate(spec: LeafSpec): Promise<string> {
  const x509 = loadX509();
  const now = spec.now ?? new Date();
  const issuer = await issuerOf(spec.ca);
  const eku: string[] = [];
  if (spec.usage !== "server") eku.push(x509.ExtendedKeyUsage.clientAuth);
  if (spec.usage !== "client") eku.push(x509.ExtendedKeyUsage.serverAuth);
  const subject = distinguishedName(spec.commonName, spec.organizations ?? []);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(eku),
    issuer.authorityKeyId,
  ];
  const sans = spec.sans ?? [];
  if (sans.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        sans.map((value) => ({ type: isIP(value) ? ("ip" as const) : ("dns" as const), value })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer.name,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + (spec.validityDays ?? 365) * DAY_MS),
    signingAlgorithm: spec.ca.key.signingAlgorithm,
    publicKey: spec.key.publicKey,
    signingKey: spec.ca.key.signingKey,
    extensions,
  });
  return cert.toString("pem");
}

/**
 * CN then one RDN per O, as Go's pkix.Name marshals. Values go in as typed strings: the library
 * would read a plain string as RFC 4514 text (quotes, backslashes, a leading "#" mean something).
 */
function distinguishedName(commonName: string, organizations: string[]): X509.Name {
  const x509 = loadX509();
  const value = (v: string) => (x509.Name.isPrintableString(v) ? { printableString: v } : { utf8String: v });
  return new x509.Name([{ CN: [value(commonName)] }, ...organizations.map((o) => ({ O: [value(o)] }))]);
}

interface Issuer {
  name: X509.Name;
  authorityKeyId: X509.AuthorityKeyIdentifierExtension;
}

/** The CA's subject and key id, parsed once per CA (the ASN.1 library is slow to parse). */
const issuers = new WeakMap<CertificateAuthority, Promise<Issuer>>();

function issuerOf(ca: CertificateAuthority): Promise<Issuer> {
  let issuer = issuers.get(ca);
  if (!issuer) {
    const x509 = loadX509();
    issuer = (async () => ({
      name: new x509.X509Certificate(ca.certPem).subjectName,
      authorityKeyId: await x509.AuthorityKeyIdentifierExtension.create(ca.key.publicKey),
    }))();
    issuers.set(ca, issuer);
  }
  return issuer;
}

/** A positive 127-bit serial (RFC 5280 allows up to 20 octets; the top bit clear keeps it positive). */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString("hex");
}
