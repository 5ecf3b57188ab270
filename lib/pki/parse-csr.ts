// PKCS#10 certificate signing requests (RFC 2986) as Go's x509.ParseCertificateRequest reads
// them: the subject (CN, O, raw DER), the public key, the SANs of the extensionRequest attribute
// and the self-signature, checked with node:crypto. Upstream: k8s.io/api certificates ParseCSR.
import { createPublicKey, verify } from "node:crypto";
import { children, type Element } from "./der.ts";
import { pemDecode } from "./pem.ts";

export interface CertificateRequestInfo {
  commonName: string;
  organizations: string[];
  /** The subject Name exactly as the request encodes it (a certificate copies it). */
  subjectDer: Uint8Array;
  /** SubjectPublicKeyInfo DER. */
  publicKeyDer: Uint8Array;
  publicKeyType: "rsa" | "ec" | "ed25519" | "other";
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** Whether the signature over the request info verifies with its own public key. */
  signatureValid: boolean;
}

const OID_HEX = {
  commonName: "550403",
  organization: "55040a",
  extensionRequest: "2a864886f70d01090e",
  subjectAltName: "551d11",
} as const;

/** Signature algorithms Go's x509 accepts for requests, by OID (hex): node's hash name or null. */
const SIGNATURE_HASH: Record<string, string | null> = {
  "2a8648ce3d040302": "sha256", // ecdsa-with-SHA256
  "2a8648ce3d040303": "sha384",
  "2a8648ce3d040304": "sha512",
  "2a864886f70d01010b": "sha256", // sha256WithRSAEncryption
  "2a864886f70d01010c": "sha384",
  "2a864886f70d01010d": "sha512",
  "2a864886f70d010105": "sha1", // sha1WithRSAEncryption (Go refuses it; kept to say so)
  "2b6570": null, // Ed25519
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const utf8 = new TextDecoder();

/** The first PEM block must be a CERTIFICATE REQUEST (upstream's wording when it is not). */
export function parseCsrPem(pem: string): CertificateRequestInfo {
  let blocks: ReturnType<typeof pemDecode>;
  try {
    blocks = pemDecode(pem);
  } catch {
    throw new Error("PEM block type must be CERTIFICATE REQUEST");
  }
  const block = blocks[0];
  if (!block || block.label !== "CERTIFICATE REQUEST")
    throw new Error("PEM block type must be CERTIFICATE REQUEST");
  return parseCsrDer(block.der);
}

/** Parses a DER request; throws Go's "x509: ..." style message when malformed. */
export function parseCsrDer(der: Uint8Array): CertificateRequestInfo {
  let outer: Element[];
  try {
    const top = children(der);
    if (top.length !== 1 || top[0]?.tag !== 0x30) throw new Error("not a sequence");
    outer = children(top[0].body);
    if (outer.length !== 3) throw new Error("wrong number of fields");
  } catch {
    throw new Error("asn1: structure error: malformed certificate request");
  }
  const [info, algorithm, signature] = outer as [Element, Element, Element];
  let fields: Element[];
  try {
    fields = children(info.body);
  } catch {
    throw new Error("asn1: structure error: malformed certificate request info");
  }
  const [version, subject, spki, attributes] = fields;
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30)
    throw new Error("asn1: structure error: malformed certificate request info");
  const names = subjectNames(subject);
  const sans = attributes && attributes.tag === 0xa0 ? requestedSans(attributes) : emptySans();
  const algorithmOid = hex(children(algorithm.body)[0]?.body ?? new Uint8Array());
  const keyAlgorithmOid = hex(
    children(children(spki.body)[0]?.body ?? new Uint8Array())[0]?.body ?? new Uint8Array(),
  );
  const publicKeyType =
    keyAlgorithmOid === "2a864886f70d010101"
      ? "rsa"
      : keyAlgorithmOid === "2a8648ce3d0201"
        ? "ec"
        : keyAlgorithmOid === "2b6570"
          ? "ed25519"
          : "other";
  return {
    ...names,
    subjectDer: new Uint8Array(subject.raw),
    publicKeyDer: new Uint8Array(spki.raw),
    publicKeyType,
    ...sans,
    signatureValid: checkSignature(info.raw, algorithmOid, spki.raw, signature),
  };
}

function checkSignature(signed: Uint8Array, algorithmOid: string, spki: Uint8Array, sig: Element): boolean {
  if (!(algorithmOid in SIGNATURE_HASH) || algorithmOid === "2a864886f70d010105") return false;
  if (sig.tag !== 0x03 || sig.body[0] !== 0) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    return verify(SIGNATURE_HASH[algorithmOid] ?? null, signed, key, sig.body.subarray(1));
  } catch {
    return false;
  }
}

function subjectNames(subject: Element): { commonName: string; organizations: string[] } {
  let commonName = "";
  const organizations: string[] = [];
  for (const rdn of children(subject.body)) {
    for (const atv of children(rdn.body)) {
      const [type, value] = children(atv.body);
      if (!type || !value) continue;
      const text = utf8.decode(value.body);
      if (hex(type.body) === OID_HEX.commonName) commonName = text;
      else if (hex(type.body) === OID_HEX.organization) organizations.push(text);
    }
  }
  return { commonName, organizations };
}

function emptySans(): Pick<CertificateRequestInfo, "dnsNames" | "ipAddresses" | "emailAddresses" | "uris"> {
  return { dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [] };
}

function requestedSans(attributes: Element): ReturnType<typeof emptySans> {
  const out = emptySans();
  for (const attr of children(attributes.body)) {
    const [type, values] = children(attr.body);
    if (!type || !values || hex(type.body) !== OID_HEX.extensionRequest) continue;
    for (const extensions of children(values.body)) {
      for (const ext of children(extensions.body)) {
        const parts = children(ext.body);
        if (hex(parts[0]?.body ?? new Uint8Array()) !== OID_HEX.subjectAltName) continue;
        const value = parts.at(-1);
        const names = value ? children(children(value.body)[0]?.body ?? new Uint8Array()) : [];
        for (const name of names) {
          const tag = name.tag & 0x1f;
          if (tag === 1) out.emailAddresses.push(utf8.decode(name.body));
          else if (tag === 2) out.dnsNames.push(utf8.decode(name.body));
          else if (tag === 6) out.uris.push(utf8.decode(name.body));
          else if (tag === 7) out.ipAddresses.push(ipText(name.body));
        }
      }
    }
  }
  return out;
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}
