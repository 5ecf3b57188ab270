// A certificate for a parsed CSR, signed by the cluster CA with the Kubernetes key usages the
// CertificateSigningRequest asks for. Upstream: pkg/controller/certificates/authority
// (authority.go Sign, policies.go keyUsagesFromStrings): subject, SANs and key from the request.
import { createHash, sign, X509Certificate } from "node:crypto";
import {
  bitString,
  booleanTrue,
  children,
  type Der,
  explicit,
  implicit,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  smallInteger,
  time,
  unsignedInteger,
} from "./der.ts";
import type { CertificateAuthority } from "./issue-certificate.ts";
import type { CertificateRequestInfo } from "./parse-csr.ts";
import { certificatesFromPem, pemEncode } from "./pem.ts";

/** KeyUsage bit of each usage string (RFC 5280 4.2.1.3 bit numbers). */
const KEY_USAGE: Record<string, number> = {
  signing: 0,
  "digital signature": 0,
  "content commitment": 1,
  "key encipherment": 2,
  "data encipherment": 3,
  "key agreement": 4,
  "cert sign": 5,
  "crl sign": 6,
  "encipher only": 7,
  "decipher only": 8,
};

const EXT_KEY_USAGE: Record<string, string> = {
  any: "2.5.29.37.0",
  "server auth": "1.3.6.1.5.5.7.3.1",
  "client auth": "1.3.6.1.5.5.7.3.2",
  "code signing": "1.3.6.1.5.5.7.3.3",
  "email protection": "1.3.6.1.5.5.7.3.4",
  "s/mime": "1.3.6.1.5.5.7.3.4",
  "ipsec end system": "1.3.6.1.5.5.7.3.5",
  "ipsec tunnel": "1.3.6.1.5.5.7.3.6",
  "ipsec user": "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  "ocsp signing": "1.3.6.1.5.5.7.3.9",
  "microsoft sgc": "1.3.6.1.4.1.311.10.3.3",
  "netscape sgc": "2.16.840.1.113730.4.1",
};

const SIGNATURE_OID = {
  ec: { sha256: "1.2.840.10045.4.3.2", sha384: "1.2.840.10045.4.3.3", sha512: "1.2.840.10045.4.3.4" },
  rsa: { sha256: "1.2.840.113549.1.1.11", sha384: "1.2.840.113549.1.1.12", sha512: "1.2.840.113549.1.1.13" },
} as const;

/** Go's authority backdates NotBefore by five minutes for clock skew. */
const BACKDATE_MS = 5 * 60 * 1000;

export interface SignCsrSpec {
  ca: CertificateAuthority;
  request: CertificateRequestInfo;
  /** The CSR's spec.usages ("digital signature", "client auth", ...). */
  usages: string[];
  /** Validity from now; capped at the CA's own expiry. */
  durationMs: number;
  now?: Date;
}

/** Throws `unknown key usage: x` for a usage Go's keyUsagesFromStrings does not know. */
export function signCsr(spec: SignCsrSpec): string {
  const now = spec.now ?? new Date();
  const bits = new Set<number>();
  const ekus = new Set<string>();
  for (const usage of spec.usages) {
    if (usage in KEY_USAGE) bits.add(KEY_USAGE[usage] as number);
    else if (usage in EXT_KEY_USAGE) ekus.add(EXT_KEY_USAGE[usage] as string);
    else throw new Error(`unknown key usage: ${usage}`);
  }
  const caDer = certificatesFromPem(spec.ca.certPem)[0];
  if (!caDer) throw new Error("the CA certificate PEM holds no CERTIFICATE block");
  const caCert = new X509Certificate(caDer);
  const notAfter = Math.min(now.getTime() + spec.durationMs, caCert.validToDate.getTime());
  const r = spec.request;
  const extensions: Der[] = [];
  if (bits.size > 0) extensions.push(extension("2.5.29.15", namedBits([...bits]), true));
  if (ekus.size > 0) extensions.push(extension("2.5.29.37", sequence(...[...ekus].map(oid))));
  extensions.push(extension("2.5.29.19", sequence(), true));
  extensions.push(extension("2.5.29.35", sequence(implicit(0, keyId(spec.ca.key.publicDer)))));
  const sans: Der[] = [
    ...r.emailAddresses.map((e) => implicit(1, new TextEncoder().encode(e))),
    ...r.dnsNames.map((d) => implicit(2, new TextEncoder().encode(d))),
    ...r.uris.map((u) => implicit(6, new TextEncoder().encode(u))),
    ...r.ipAddresses.map((ip) => implicit(7, ipBytes(ip))),
  ];
  if (sans.length > 0) extensions.push(extension("2.5.29.17", sequence(...sans)));
  const signer = spec.ca.key;
  const algorithm = sequence(
    oid(SIGNATURE_OID[signer.type][signer.hash]),
    ...(signer.type === "rsa" ? [nullValue()] : []),
  );
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    subjectOf(caDer),
    sequence(time(new Date(now.getTime() - BACKDATE_MS)), time(new Date(notAfter))),
    r.subjectDer,
    r.publicKeyDer,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign(signer.hash, tbs, signer.keyObject);
  return pemEncode("CERTIFICATE", sequence(tbs, algorithm, bitString(signature)));
}

function extension(id: string, value: Der, critical = false): Der {
  return sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
}

function subjectOf(certDer: Uint8Array): Der {
  const tbs = children(children(children(certDer)[0]?.body ?? certDer)[0]?.body ?? certDer);
  const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const subject = tbs[offset + 4];
  if (!subject) throw new Error("malformed CA certificate");
  return new Uint8Array(subject.raw);
}

function keyId(spkiDer: Uint8Array): Der {
  const spki = children(spkiDer)[0];
  const bits = spki ? children(spki.body)[1] : undefined;
  if (!bits) throw new Error("malformed public key");
  return new Uint8Array(createHash("sha1").update(bits.body.subarray(1)).digest());
}

function ipBytes(ip: string): Der {
  if (!ip.includes(":")) return Uint8Array.from(ip.split(".").map(Number));
  const full = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head = "", tail = ""] = full.split("::");
  const h = head ? head.split(":") : [];
  const t = full.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}
