// A TLS terminator in front of a plain HTTP server on 127.0.0.1: Bun.serve cannot tell a handler
// the client's certificate, so this front accepts TLS (asking for a client certificate and
// verifying it against the client CA if given: upstream's VerifyClientCertIfGiven), opens one
// plain connection to the inner server per TLS connection and pipes both ways. The inner server
// asks `peerOf(remotePort)` what the TLS stack saw of the client on that connection, and may
// `takeOver(remotePort)` the client connection for an upgrade Bun.serve cannot do (SPDY/3.1).
// Without a certificate the front is plain TCP (the same takeover for plain HTTP servers).
import type { Socket, TCPSocketListener } from "bun";
import { BytePipe } from "./byte-pipe.ts";
import { type RawConnection, TakenOverConnection } from "./raw-connection.ts";
import { unknownMethodVerdict } from "./unknown-method.ts";

/** What the TLS stack saw of the client's certificate (structurally the apiserver's PeerCertificate). */
export interface TlsPeer {
  /** DER of the leaf certificate, then the intermediates the client sent. */
  chain: Uint8Array[];
  /** True when the chain verified against the client CA. */
  authorized: boolean;
  /** OpenSSL's code when not authorized, e.g. "CERT_HAS_EXPIRED", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY". */
  authorizationError?: string;
}

export interface TlsFrontOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** Without a certificate and key the front is plain TCP. */
  certPem?: string;
  keyPem?: string;
  /** CA bundle client certificates are verified against; without it no certificate is asked for. */
  clientCaPem?: string;
  /** The plain server to forward to (bound to loopback). */
  target: { hostname: string; port: number };
  /**
   * A connection that has not finished its TLS handshake by then is closed. Default 32 s: Go's
   * server takes the smallest of its read timeouts, and upstream's secure serving sets only
   * ReadHeaderTimeout (32 s). 10 s killed handshakes that an overloaded server was slow to finish.
   */
  handshakeTimeoutMs?: number;
}

export interface TlsFront {
  hostname: string;
  port: number;
  /** The client's certificate for the inner connection from this local port (undefined: none, or not through the front). */
  peerOf(port: number): TlsPeer | undefined;
  /**
   * Hands the client connection whose inner connection comes from this local port to the
   * caller: the inner connection is closed (whatever the inner server answers is dropped) and the
   * caller writes the upgrade's response and owns the bytes. Undefined: no such connection.
   */
  takeOver(port: number): RawConnection | undefined;
  /** Open TLS connections. */
  readonly connections: number;
  stop(): Promise<void>;
}

interface Conn {
  upstream: BytePipe;
  downstream: BytePipe;
  inner?: Socket<InnerData>;
  innerPort?: number;
  closed: boolean;
  /** Set once a handler took the client connection over (an upgrade). */
  raw?: TakenOverConnection;
  /** The connection's first bytes until its method is known (undefined once it is). */
  head?: Uint8Array;
  /** OpenSSL's verification error from the handshake, if any. */
  verifyError?: string;
  handshakeTimer?: ReturnType<typeof setTimeout>;
}

interface InnerData {
  conn: Conn;
  client: Socket<Conn | undefined>;
}

interface PeerCertificateDetail {
  raw?: Uint8Array;
  issuerCertificate?: PeerCertificateDetail;
}

const HANDSHAKE_TIMEOUT_MS = 32_000;

export function startTlsFront(options: TlsFrontOptions): TlsFront {
  const peers = new Map<number, TlsPeer>();
  const open = new Set<Socket<Conn | undefined>>();
  const byInnerPort = new Map<number, { conn: Conn; client: Socket<Conn | undefined> }>();
  const pair =
    options.certPem !== undefined && options.keyPem !== undefined
      ? { cert: options.certPem, key: options.keyPem }
      : undefined;
  const tls = pair !== undefined;
  const requestCert = tls && options.clientCaPem !== undefined;

  const closeConn = (conn: Conn) => {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.innerPort !== undefined) {
      peers.delete(conn.innerPort);
      byInnerPort.delete(conn.innerPort);
    }
  };

  const takeOver = (port: number): RawConnection | undefined => {
    const entry = byInnerPort.get(port);
    if (!entry || entry.conn.raw) return undefined;
    const { conn, client } = entry;
    const raw = new TakenOverConnection({
      write: (b) => conn.downstream.push(b),
      end: () => conn.downstream.end(),
      pause: () => client.pause(),
      resume: () => client.resume(),
    });
    conn.raw = raw;
    // The pipe toward the client now carries the handler's bytes; its backpressure goes to the handler.
    conn.downstream.from({
      write: () => 0,
      end: () => undefined,
      pause: () => raw.behind(true),
      resume: () => raw.behind(false),
    });
    conn.inner?.end();
    return raw;
  };

  const connectInner = async (client: Socket<Conn | undefined>, conn: Conn) => {
    try {
      const inner = await Bun.connect<InnerData>({
        hostname: options.target.hostname,
        port: options.target.port,
        data: { conn, client },
        socket: {
          data: (s, chunk) => {
            if (!s.data.conn.raw) s.data.conn.downstream.push(chunk);
          },
          drain: (s) => s.data.conn.upstream.flush(),
          end: (s) => {
            if (!s.data.conn.raw) s.data.conn.downstream.end();
          },
          close: (s) => {
            if (!s.data.conn.raw) s.data.conn.downstream.end();
            closeConn(s.data.conn);
          },
          error: (s) => {
            if (!s.data.conn.raw) s.data.client.end();
          },
        },
      });
      if (conn.closed) {
        inner.end();
        return;
      }
      conn.inner = inner;
      conn.innerPort = inner.localPort;
      byInnerPort.set(inner.localPort, { conn, client });
      const peer = requestCert ? peerOf(client, conn.verifyError) : undefined;
      if (peer) peers.set(inner.localPort, peer);
      conn.downstream.from(inner);
      conn.upstream.to(inner);
    } catch {
      client.end();
    }
  };

  const listener: TCPSocketListener<Conn | undefined> = Bun.listen<Conn | undefined>({
    hostname: options.hostname,
    port: options.port,
    ...(pair
      ? {
          tls: {
            ...pair,
            ...(requestCert ? { ca: options.clientCaPem, requestCert: true, rejectUnauthorized: false } : {}),
            // Only HTTP/1.1: a Go client offered h2 would otherwise speak it to a server that cannot.
            ALPNProtocols: "\x08http/1.1",
          },
        }
      : {}),
    socket: {
      open(client) {
        open.add(client);
        const conn: Conn = {
          upstream: new BytePipe(),
          downstream: new BytePipe(),
          closed: false,
          head: new Uint8Array(),
        };
        conn.upstream.from(client);
        conn.downstream.to(client);
        client.data = conn;
        if (!tls) {
          void connectInner(client, conn);
          return;
        }
        // A peer that connects and never finishes a handshake would hold the socket forever.
        conn.handshakeTimer = setTimeout(
          () => client.terminate(),
          options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
        );
      },
      handshake(client, success, verifyError) {
        const conn = client.data;
        clearTimeout(conn?.handshakeTimer);
        if (!conn || !success) {
          client.end();
          return;
        }
        const code = (verifyError as (Error & { code?: string }) | null)?.code ?? verifyError?.message;
        if (code) conn.verifyError = code;
        void connectInner(client, conn);
      },
      data(client, chunk) {
        const conn = client.data;
        if (conn?.raw) conn.raw.received(chunk);
        else if (conn?.head) firstBytes(conn, chunk);
        else conn?.upstream.push(chunk);
      },
      drain(client) {
        client.data?.downstream.flush();
      },
      end(client) {
        const conn = client.data;
        if (conn?.raw) conn.raw.closed();
        else conn?.upstream.end();
      },
      close(client) {
        open.delete(client);
        const conn = client.data;
        if (!conn) return;
        conn.raw?.closed();
        clearTimeout(conn.handshakeTimer);
        conn.upstream.end();
        if (conn.inner) conn.inner.end();
        closeConn(conn);
      },
      error(client) {
        client.end();
      },
    },
  });

  return {
    hostname: listener.hostname,
    port: listener.port,
    peerOf: (port) => peers.get(port),
    takeOver,
    get connections() {
      return open.size;
    },
    async stop() {
      listener.stop(true);
      for (const client of open) client.terminate();
      open.clear();
      peers.clear();
      byInnerPort.clear();
    },
  };
}

/** Holds a connection's first bytes until its method is known; a method Bun cannot parse is answered here. */
function firstBytes(conn: Conn, chunk: Uint8Array): void {
  const head = conn.head ?? new Uint8Array();
  const bytes = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
  const verdict = unknownMethodVerdict(bytes);
  if (verdict === "wait") {
    conn.head = new Uint8Array(bytes);
    return;
  }
  conn.head = undefined;
  if (verdict === "pass") {
    conn.upstream.push(bytes);
    return;
  }
  // The inner server never sees the request: answer, close once it is written, then drop the
  // inner connection (in this order: its close ends the pipe toward the client).
  conn.downstream.push(verdict);
  conn.downstream.end();
  conn.upstream.end();
}

function peerOf(client: Socket<Conn | undefined>, verifyError: string | undefined): TlsPeer | undefined {
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
