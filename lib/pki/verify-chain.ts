// Verifies a certificate chain against CA bundles as Go's crypto/x509 Certificate.Verify does for
// upstream's x509 authenticator, with Go's error texts ("x509: certificate signed by unknown
// authority", "x509: certificate has expired or is not yet valid: current time ... is after ...").
import { X509Certificate } from "node:crypto";
import { certificatesFromPem } from "./pem.ts";

export type VerifyResult = { ok: true; chain: Uint8Array[] } | { ok: false; error: string };

export interface VerifyOptions {
  /** Certificates the peer sent after its leaf (DER), that may link it to a root. */
  intermediates?: Uint8Array[];
  /** Required extended key usage of the chain (Go's VerifyOptions.KeyUsages); default any. */
  usage?: "client" | "server";
}

const EKU = { client: "1.3.6.1.5.5.7.3.2", server: "1.3.6.1.5.5.7.3.1" } as const;
const ANY_EKU = "2.5.29.37.0";
const MAX_DEPTH = 10;

export function verifyChain(
  leafDer: Uint8Array,
  caPems: string | string[],
  now: Date = new Date(),
  options: VerifyOptions = {},
): VerifyResult {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafDer);
  } catch (err) {
    return { ok: false, error: `x509: malformed certificate: ${(err as Error).message}` };
  }
  const roots = (Array.isArray(caPems) ? caPems : [caPems]).flatMap(certificatesFromPem).map(parse);
  const intermediates = (options.intermediates ?? []).map(parse);
  const chain: X509Certificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const invalid = validity(current, now);
    if (invalid) return { ok: false, error: invalid };
    const root = roots.find((r) => r && issued(r, current));
    if (root) {
      const rootInvalid = validity(root, now);
      if (rootInvalid) return { ok: false, error: rootInvalid };
      chain.push(root);
      const usage = options.usage;
      if (usage && !chain.slice(0, -1).every((c) => allows(c, EKU[usage])))
        return { ok: false, error: "x509: certificate specifies an incompatible key usage" };
      return { ok: true, chain: chain.map((c) => new Uint8Array(c.raw)) };
    }
    const next = intermediates.find((i) => i?.ca && !chain.includes(i) && issued(i, current));
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return { ok: false, error: "x509: certificate signed by unknown authority" };
}

function parse(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function issued(parent: X509Certificate, child: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function validity(cert: X509Certificate, now: Date): string | undefined {
  const prefix = "x509: certificate has expired or is not yet valid: current time";
  if (now < cert.validFromDate) return `${prefix} ${rfc3339(now)} is before ${rfc3339(cert.validFromDate)}`;
  if (now > cert.validToDate) return `${prefix} ${rfc3339(now)} is after ${rfc3339(cert.validToDate)}`;
  return undefined;
}

function allows(cert: X509Certificate, eku: string): boolean {
  const usages = cert.keyUsage;
  return !usages || usages.length === 0 || usages.includes(eku) || usages.includes(ANY_EKU);
}

/** Go's time.RFC3339 of a UTC time: seconds precision, "Z". */
function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
