// Self-signed CAs and the certificates they sign (client: CN = user, O = groups, EKU clientAuth;
// server: SANs, EKU serverAuth), the shapes of upstream's client-go util/cert and kubeadm's
// certs phase. Validity as k3s: CA 10 years, leaves 1 year; NotBefore an hour back for skew.
import { createHash, sign, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import {
  bitString,
  booleanTrue,
  children,
  type Der,
  directoryString,
  explicit,
  ia5String,
  implicit,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
} from "./der.ts";
import { certificatesFromPem, pemEncode } from "./pem.ts";
import type { PrivateKey } from "./private-key.ts";

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
  /** "ca": an intermediate CA that may sign leaves. */
  usage: "client" | "server" | "client-server" | "ca";
  /** Subject alternative names: DNS names and IP addresses (v4 or v6). */
  sans?: string[];
  /** Default 365. */
  validityDays?: number;
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** client-go's GenerateSelfSignedCertKey backdates by an hour so skewed clocks still accept it. */
const BACKDATE_MS = 60 * 60 * 1000;

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectKeyId: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyId: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const SIGNATURE_OID = {
  ec: { sha256: "1.2.840.10045.4.3.2", sha384: "1.2.840.10045.4.3.3", sha512: "1.2.840.10045.4.3.4" },
  rsa: { sha256: "1.2.840.113549.1.1.11", sha384: "1.2.840.113549.1.1.12", sha512: "1.2.840.113549.1.1.13" },
} as const;

/** KeyUsage bits (RFC 5280 4.2.1.3). */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5 } as const;

export async function createCertificateAuthority(spec: CaSpec): Promise<CertificateAuthority> {
  const now = spec.now ?? new Date();
  const name = distinguishedName(spec.commonName, []);
  const certPem = certificate({
    signer: spec.key,
    issuer: name,
    subject: name,
    subjectKey: spec.key,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + (spec.validityDays ?? 3650) * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, sequence(booleanTrue()), true),
      extension(OID.keyUsage, namedBits([KU.digitalSignature, KU.keyEncipherment, KU.keyCertSign]), true),
      extension(OID.subjectKeyId, octetString(keyId(spec.key))),
    ],
  });
  return { certPem, key: spec.key };
}

export async function issueCertificate(spec: LeafSpec): Promise<string> {
  const now = spec.now ?? new Date();
  const eku: Der[] = [];
  if (spec.usage === "client" || spec.usage === "client-server") eku.push(oid(OID.clientAuth));
  if (spec.usage === "server" || spec.usage === "client-server") eku.push(oid(OID.serverAuth));
  const isCa = spec.usage === "ca";
  const extensions = [
    extension(OID.basicConstraints, isCa ? sequence(booleanTrue()) : sequence(), true),
    extension(
      OID.keyUsage,
      namedBits([KU.digitalSignature, KU.keyEncipherment, ...(isCa ? [KU.keyCertSign] : [])]),
      true,
    ),
    ...(isCa
      ? [extension(OID.subjectKeyId, octetString(keyId(spec.key)))]
      : [extension(OID.extKeyUsage, sequence(...eku))]),
    extension(OID.authorityKeyId, sequence(implicit(0, keyId(spec.ca.key)))),
  ];
  const sans = spec.sans ?? [];
  if (sans.length > 0) extensions.push(extension(OID.subjectAltName, sequence(...sans.map(generalName))));
  return certificate({
    signer: spec.ca.key,
    issuer: subjectOf(spec.ca.certPem),
    subject: distinguishedName(spec.commonName, spec.organizations ?? []),
    subjectKey: spec.key,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + (spec.validityDays ?? 365) * DAY_MS),
    extensions,
  });
}

interface Template {
  signer: PrivateKey;
  issuer: Der;
  subject: Der;
  subjectKey: PrivateKey;
  notBefore: Date;
  notAfter: Date;
  extensions: Der[];
}

function certificate(t: Template): string {
  const algorithm = sequence(
    oid(SIGNATURE_OID[t.signer.type][t.signer.hash]),
    ...(t.signer.type === "rsa" ? [nullValue()] : []),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(randomSerial()),
    algorithm,
    t.issuer,
    sequence(time(t.notBefore), time(t.notAfter)),
    t.subject,
    t.subjectKey.publicDer,
    explicit(3, sequence(...t.extensions)),
  );
  const signature = sign(t.signer.hash, tbs, t.signer.keyObject);
  return pemEncode("CERTIFICATE", sequence(tbs, algorithm, bitString(signature)));
}

function extension(id: string, value: Der, critical = false): Der {
  return sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/** CN then one RDN per O, as Go's pkix.Name marshals. */
function distinguishedName(commonName: string, organizations: string[]): Der {
  const rdn = (type: string, value: string) => set(sequence(oid(type), directoryString(value)));
  return sequence(rdn(OID.commonName, commonName), ...organizations.map((o) => rdn(OID.organization, o)));
}

function generalName(san: string): Der {
  const family = isIP(san);
  if (family === 0) return implicit(2, ia5String(san).subarray(2)); // dNSName [2] IA5String
  return implicit(7, ipBytes(san, family)); // iPAddress [7]
}

function ipBytes(ip: string, family: number): Der {
  if (family === 4) return Uint8Array.from(ip.split(".").map(Number));
  const [head = "", tail = ""] = ip.includes("::") ? ip.split("::") : [ip, ""];
  const groups = (s: string) => (s ? s.split(":") : []);
  let h = groups(head);
  let t = groups(tail);
  // An embedded IPv4 tail ("::ffff:10.0.0.1") is two groups.
  const v4 = (parts: string[]) => {
    const last = parts.at(-1);
    if (!last?.includes(".")) return parts;
    const b = last.split(".").map(Number);
    return [
      ...parts.slice(0, -1),
      (((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16),
      (((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16),
    ];
  };
  if (t.length > 0) t = v4(t);
  else h = v4(h);
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyId(key: PrivateKey): Der {
  const spki = children(key.publicDer)[0];
  const bits = spki ? children(spki.body)[1] : undefined;
  if (!bits) throw new Error("malformed public key");
  return new Uint8Array(createHash("sha1").update(bits.body.subarray(1)).digest());
}

/** The issuer's subject exactly as its certificate encodes it. */
const subjects = new Map<string, Der>();
function subjectOf(certPem: string): Der {
  let subject = subjects.get(certPem);
  if (!subject) {
    const der = certificatesFromPem(certPem)[0];
    if (!der) throw new Error("the CA certificate PEM holds no CERTIFICATE block");
    new X509Certificate(der); // throws on a malformed certificate
    const cert = children(der)[0];
    const tbsElement = cert ? children(cert.body)[0] : undefined;
    const tbs = tbsElement ? children(tbsElement.body) : [];
    // [0] version is optional; then serial, signature algorithm, issuer, validity, subject.
    const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const s = tbs[offset + 4];
    if (!s) throw new Error("malformed CA certificate");
    subject = new Uint8Array(s.raw);
    if (subjects.size > 64) subjects.clear();
    subjects.set(certPem, subject);
  }
  return subject;
}

/** A positive 127-bit serial (RFC 5280 allows up to 20 octets). */
function randomSerial(): Der {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}
