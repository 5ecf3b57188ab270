// Why a TLS connection to etcd fails: grpc-js only says "Failed to connect before the deadline",
// so after a failed connect one plain TLS handshake with the same files names the cause
// (unknown authority, a name not in the certificate, a client certificate the server wants).
import { type ConnectionOptions, connect } from "node:tls";

export interface TlsProbe {
  host: string;
  port: number;
  /** As the channel verifies it: the server's certificate must name one of these hosts. */
  checkServerIdentity: NonNullable<ConnectionOptions["checkServerIdentity"]>;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** SNI (Bun refuses an IP address). */
  servername: string;
}

/** The handshake's error message, or undefined when the handshake (and a short wait after it) went well. */
export function diagnoseTls(probe: TlsProbe, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (why: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const socket = connect({
      host: probe.host,
      port: probe.port,
      servername: probe.servername,
      ALPNProtocols: ["h2"],
      checkServerIdentity: probe.checkServerIdentity,
      ...(probe.caPem === undefined ? {} : { ca: probe.caPem }),
      ...(probe.certPem === undefined ? {} : { cert: probe.certPem }),
      ...(probe.keyPem === undefined ? {} : { key: probe.keyPem }),
    });
    // TLS 1.3 servers refuse a missing client certificate after the handshake: wait a moment.
    socket.once("secureConnect", () => setTimeout(() => finish(undefined), 300));
    socket.once("error", (err) => finish(err.message));
    const timer = setTimeout(() => finish(`no TLS handshake within ${timeoutMs} ms`), timeoutMs);
  });
}
