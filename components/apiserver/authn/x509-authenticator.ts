// Client certificates: upstream's request/x509 authenticator with CommonNameUserConversion. The
// TLS front verified the chain against the client CA (contextOf(req).peer); a verified leaf is
// user CN in groups O, a presented but unverified one is a 401 with Go's verify error.
import { type CertificateInfo, parseCertificate } from "../../../lib/pki/parse-certificate.ts";
import { contextOf } from "../filters/request-context.ts";
import type { Authenticator, AuthResult } from "./authenticator.ts";

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const ANY_USAGE = "2.5.29.37.0";
const UNKNOWN_AUTHORITY = "x509: certificate signed by unknown authority";
/** Extra key naming the credential (upstream's user.CredentialIDKey). */
export const CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id";

export class X509Authenticator implements Authenticator {
  /**
   * Parsed leaves by the DER the TLS front hands over: one object per connection, so a keep-alive
   * connection parses its certificate once (parsing was ~28% of a GET's CPU over TLS).
   */
  private readonly parsed = new WeakMap<Uint8Array, CertificateInfo | Error>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  authenticate(req: Request): AuthResult {
    const peer = contextOf(req).peer;
    const leaf = peer?.chain[0];
    if (!peer || !leaf) return { kind: "none" };
    const cert = this.parse(leaf);
    if (cert instanceof Error)
      return { kind: "error", message: `x509: malformed certificate: ${cert.message}` };
    const fail = (why: string): AuthResult => ({
      kind: "error",
      message: `verifying certificate ${identifier(cert)} failed: ${why}`,
    });
    if (!peer.authorized)
      return fail(verifyError(peer.authorizationError, cert.notBefore, cert.notAfter, this.now()));
    const now = this.now();
    if (now < cert.notBefore || now > cert.notAfter)
      return fail(verifyError("CERT_HAS_EXPIRED", cert.notBefore, cert.notAfter, now));
    if (
      cert.extKeyUsages.length > 0 &&
      !cert.extKeyUsages.some((u) => u === CLIENT_AUTH || u === ANY_USAGE)
    ) {
      return fail("x509: certificate specifies an incompatible key usage");
    }
    // Upstream: a certificate without a CN has no opinion (the next authenticator may still know the request).
    if (!cert.subjectCN) return { kind: "none" };
    return {
      kind: "ok",
      user: {
        username: cert.subjectCN,
        groups: [...cert.organizations],
        extra: { [CREDENTIAL_ID_KEY]: [`X509SHA256=${cert.fingerprint}`] },
      },
    };
  }

  private parse(leaf: Uint8Array): CertificateInfo | Error {
    let cert = this.parsed.get(leaf);
    if (cert === undefined) {
      try {
        cert = parseCertificate(leaf);
      } catch (err) {
        cert = err as Error;
      }
      this.parsed.set(leaf, cert);
    }
    return cert;
  }
}

/** Go's x509.Certificate.Verify message for what the TLS stack (OpenSSL codes) reported. */
function verifyError(code: string | undefined, notBefore: Date, notAfter: Date, now: Date): string {
  switch (code) {
    case "CERT_HAS_EXPIRED":
    case "CERT_NOT_YET_VALID": {
      const before = now < notBefore;
      return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is ${before ? "before" : "after"} ${rfc3339(before ? notBefore : notAfter)}`;
    }
    case "INVALID_PURPOSE":
      return "x509: certificate specifies an incompatible key usage";
    case undefined:
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "CERT_SIGNATURE_FAILURE":
      return UNKNOWN_AUTHORITY;
    default:
      return `${UNKNOWN_AUTHORITY} (${code})`;
  }
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Upstream's certificateIdentifier: "SN=<decimal>, SKID=<AA:BB>, AKID=<CC:DD>". */
function identifier(cert: CertificateInfo): string {
  const serial = /^[0-9a-fA-F]+$/.test(cert.serialNumber)
    ? BigInt(`0x${cert.serialNumber}`).toString()
    : cert.serialNumber;
  return `SN=${serial}, SKID=${colonHex(cert.subjectKeyId)}, AKID=${colonHex(cert.authorityKeyId)}`;
}

function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(":");
}
