// What the TLS stack saw of a client's certificate: the chain the client sent (DER) and whether it
// verified against the client CA, read from a Bun TLS socket after its handshake.
import type { Socket } from "bun";

/** What the TLS stack saw of the client's certificate (structurally the apiserver's PeerCertificate). */
export interface TlsPeer {
  /** DER of the leaf certificate, then the intermediates the client sent. */
  chain: Uint8Array[];
  /** True when the chain verified against the client CA. */
  authorized: boolean;
  /** OpenSSL's code when not authorized, e.g. "CERT_HAS_EXPIRED", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY". */
  authorizationError?: string;
}

interface PeerCertificateDetail {
  raw?: Uint8Array;
  issuerCertificate?: PeerCertificateDetail;
}

/** The peer of a socket whose handshake is done; undefined without a certificate. */
export function peerOf(client: Socket<unknown>, verifyError: string | undefined): TlsPeer | undefined {
  const detailed = client as unknown as {
    getPeerCertificate(detailed: boolean): PeerCertificateDetail | undefined;
  };
  const detail = detailed.getPeerCertificate(true);
  if (!detail?.raw) return undefined;
  const chain: Uint8Array[] = [];
  for (let c: PeerCertificateDetail | undefined = detail; c?.raw; c = c.issuerCertificate) {
    chain.push(new Uint8Array(c.raw));
    if (c.issuerCertificate === c || chain.length > 10) break;
  }
  const authorized = client.authorized;
  return { chain, authorized, ...(!authorized ? { authorizationError: verifyError ?? "UNKNOWN" } : {}) };
}
